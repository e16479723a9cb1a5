/**
 * undici's connector with a connect timeout kept by a timer of its own. undici checks its
 * connect timers about every half second, so a 200 ms connect timeout (to fail over fast
 * from a dead target) fired after 0.5-1 s. The timeout covers what undici's does: the TCP
 * connect and, for https, the TLS handshake; it fails with undici's own ConnectTimeoutError.
 */
import type { Socket } from 'node:net';
import { buildConnector, errors } from 'undici';

export function exactTimeoutConnector(options: buildConnector.BuildOptions, timeoutMs: number): buildConnector.connector {
  const connect = buildConnector({ ...options, timeout: 0 });
  return (opts, callback) => {
    let timer: NodeJS.Timeout | undefined;
    // undici's own connector answers with the socket it is connecting.
    const socket = connect(opts, (...args) => {
      clearTimeout(timer);
      callback(...args);
    }) as unknown as Socket;
    if (timeoutMs > 0) {
      timer = setTimeout(() => socket.destroy(new errors.ConnectTimeoutError(`connect timeout after ${timeoutMs} ms (${opts.hostname}:${opts.port})`)), timeoutMs);
    }
    return socket;
  };
}
