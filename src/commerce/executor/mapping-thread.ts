/**
 * A mapping thread: runs unified calls (connectors' parsing and mapping, shaping, the JSON
 * answer) off the event loop, with a young generation of its own sized for whole native
 * pages. It holds no engine, store or secret: each native request is sent by the event loop
 * through the connection's route, and only the answer's bytes come back here.
 */
import { parentPort } from 'node:worker_threads';
import type { PlatformClient, PlatformRequest, PlatformResponse } from '../../connectors/connector.js';
import { decodeNativeBody } from '../native-body.js';
import { executeCall, type CallConnection, type UnifiedCall } from './execute.js';
import { fromWire, toWire, transferable, type FromThread, type ToThread } from './protocol.js';

const port = parentPort!;
const pending = new Map<number, { resolve: (response: PlatformResponse) => void; reject: (err: unknown) => void }>();
let sends = 0;

function post(message: FromThread, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/** One client per connection (and route generation): connectors keep per-store memory by it. */
class RemoteClient implements PlatformClient {
  constructor(private readonly connection: string) {}

  send(request: PlatformRequest): Promise<PlatformResponse> {
    const id = ++sends;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      post({ type: 'send', id, connection: this.connection, request });
    });
  }
}

const clients = new Map<string, { generation: number; client: RemoteClient }>();

function clientFor(connection: CallConnection): PlatformClient {
  const known = clients.get(connection.id);
  if (known !== undefined && known.generation === connection.generation) return known.client;
  const client = new RemoteClient(connection.id);
  clients.set(connection.id, { generation: connection.generation, client });
  return client;
}

async function run(id: number, call: UnifiedCall): Promise<void> {
  try {
    const body = Buffer.from(JSON.stringify(await executeCall(call, clientFor)));
    post({ type: 'done', id, body }, transferable(body));
  } catch (err) {
    post({ type: 'failed', id, error: toWire(err) });
  }
}

port.on('message', (message: ToThread) => {
  switch (message.type) {
    case 'call':
      void run(message.id, message.call);
      return;
    case 'sent': {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      waiter?.resolve({ status: message.status, headers: message.headers, body: decodeNativeBody(message.headers, message.body) });
      return;
    }
    case 'send-failed': {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      waiter?.reject(fromWire(message.error));
      return;
    }
  }
});
