/** Raw HTTP/1.1 over a socket, for requests no well-behaved client would send. */
import net from 'node:net';

export interface RawExchangeOptions {
  /** Called once with the first bytes received (e.g. to send a body after 100 Continue). */
  onFirstData?: (received: string, socket: net.Socket) => void;
  /** Give up after this long and return what arrived (the socket is destroyed). */
  timeoutMs?: number;
}

export function rawExchange(baseUrl: string, payload: string | Buffer, options: RawExchangeOptions = {}): Promise<string> {
  const { port, hostname } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(payload));
    let received = '';
    let first = true;
    socket.on('data', (d) => {
      received += d.toString('latin1');
      if (first && options.onFirstData) {
        first = false;
        options.onFirstData(received, socket);
      }
    });
    socket.on('close', () => resolve(received));
    socket.on('error', (err) => (received === '' ? reject(err) : resolve(received)));
    socket.setTimeout(options.timeoutMs ?? 5000, () => {
      socket.destroy();
      resolve(received);
    });
  });
}

export function statusOf(raw: string): number {
  return Number(raw.slice(9, 12));
}

export function bodyOf(raw: string): string {
  return raw.slice(raw.indexOf('\r\n\r\n') + 4);
}
