/**
 * The event loop's side of the mapping threads: starts them on first use, hands each call
 * to the least busy one, sends the native requests a thread asks for through the engine
 * (only for connections of the calls it is running), and starts a fresh thread when one
 * stops, failing the calls it had with INTERNAL_ERROR.
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { UnigateError } from '../../errors/unigate-error.js';
import type { CallConnection, UnifiedCall } from './execute.js';
import type { EngineClientFor, Executor, ExecutorOptions } from './index.js';
import { fromWire, toWire, transferable, type FromThread, type ToThread } from './protocol.js';

interface Lent {
  clientFor: EngineClientFor;
  connection: CallConnection;
  calls: number;
}

interface Thread {
  worker: Worker;
  calls: Map<number, { resolve: (body: Buffer) => void; reject: (err: unknown) => void }>;
  /** Connections of the calls in flight: the only ones this thread may send to. */
  lent: Map<string, Lent>;
  alive: boolean;
}

// Compiled, the thread is a sibling .js file; run from sources (the tests), it is loaded through tsx.
const SOURCE = import.meta.url.endsWith('.ts');
const ENTRY = new URL(SOURCE ? './mapping-thread.ts' : './mapping-thread.js', import.meta.url);

function spawn(options: WorkerOptions): Worker {
  if (!SOURCE) return new Worker(ENTRY, options);
  const tsx = new URL('dist/esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json'))).href;
  const load = `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(ENTRY.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(load, { ...options, eval: true });
}

export class MappingThreads implements Executor {
  private readonly threads: Thread[] = [];
  private calls = 0;
  private closed = false;

  constructor(private readonly options: ExecutorOptions) {}

  async run(call: UnifiedCall, clientFor: EngineClientFor): Promise<Buffer> {
    if (this.closed) throw new UnigateError('INTERNAL_ERROR', { message: 'Unigate is shutting down' });
    const thread = this.pick();
    const id = ++this.calls;
    for (const connection of call.connections) {
      const lent = thread.lent.get(connection.id);
      if (lent === undefined) thread.lent.set(connection.id, { clientFor, connection, calls: 1 });
      else Object.assign(lent, { clientFor, connection, calls: lent.calls + 1 });
    }
    const gauge = this.options.metrics?.mappingCalls;
    if (gauge) gauge.count++;
    try {
      return await new Promise<Buffer>((resolve, reject) => {
        thread.calls.set(id, { resolve, reject });
        this.post(thread, { type: 'call', id, call });
      });
    } finally {
      if (gauge) gauge.count--;
      for (const connection of call.connections) {
        const lent = thread.lent.get(connection.id);
        if (lent !== undefined && --lent.calls === 0) thread.lent.delete(connection.id);
      }
    }
  }

  async close(graceMs = 0): Promise<void> {
    this.closed = true;
    const deadline = Date.now() + graceMs;
    while (this.threads.some((t) => t.calls.size > 0) && Date.now() < deadline) await sleep(Math.min(50, deadline - Date.now()));
    const threads = this.threads.splice(0);
    this.countThreads(-threads.length);
    await Promise.all(threads.map((t) => t.worker.terminate()));
    const error = new UnigateError('INTERNAL_ERROR', { message: 'The call was interrupted: Unigate is shutting down its mapping threads' });
    for (const thread of threads) {
      for (const call of thread.calls.values()) call.reject(error);
      thread.calls.clear();
      thread.lent.clear();
    }
  }

  /** The thread with the fewest calls in flight; a new one while fewer than configured run. */
  private pick(): Thread {
    let best: Thread | undefined;
    for (const t of this.threads) if (best === undefined || t.calls.size < best.calls.size) best = t;
    if (best !== undefined && (best.calls.size === 0 || this.threads.length >= this.options.threads)) return best;
    return this.start();
  }

  private start(): Thread {
    const worker = spawn({
      name: 'unigate-mapping',
      resourceLimits: { maxYoungGenerationSizeMb: this.options.youngGenerationMb },
    });
    const thread: Thread = { worker, calls: new Map(), lent: new Map(), alive: true };
    this.threads.push(thread);
    this.countThreads(1);
    // The thread keeps no call of its own open: the servers keep the process alive.
    worker.unref();
    worker.on('message', (message: FromThread) => this.onMessage(thread, message));
    worker.on('error', (err) => this.options.logger.error({ err }, 'mapping thread failed'));
    worker.on('exit', (code) => this.onExit(thread, code));
    return thread;
  }

  private onMessage(thread: Thread, message: FromThread): void {
    switch (message.type) {
      case 'send':
        void this.send(thread, message.id, message.connection, message.request);
        return;
      case 'done': {
        const call = thread.calls.get(message.id);
        thread.calls.delete(message.id);
        call?.resolve(Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength));
        return;
      }
      case 'failed': {
        const call = thread.calls.get(message.id);
        thread.calls.delete(message.id);
        call?.reject(fromWire(message.error));
        return;
      }
    }
  }

  private async send(thread: Thread, id: number, connectionId: string, request: Extract<FromThread, { type: 'send' }>['request']): Promise<void> {
    try {
      const lent = thread.lent.get(connectionId);
      if (lent === undefined) throw new UnigateError('INTERNAL_ERROR', { message: `a mapping thread asked for connection ${connectionId}, which none of its calls uses` });
      const response = await lent.clientFor(lent.connection).sendRaw(request);
      this.post(thread, { type: 'sent', id, status: response.status, headers: response.headers, body: response.body }, transferable(response.body));
    } catch (err) {
      this.post(thread, { type: 'send-failed', id, error: toWire(err) });
    }
  }

  /** By difference: an executor being retired after a reload and its successor count into one gauge. */
  private countThreads(change: number): void {
    if (this.options.metrics) this.options.metrics.mappingCalls.threads += change;
  }

  private post(thread: Thread, message: ToThread, transfer: ArrayBuffer[] = []): void {
    if (thread.alive) thread.worker.postMessage(message, transfer);
  }

  private onExit(thread: Thread, code: number): void {
    thread.alive = false;
    const at = this.threads.indexOf(thread);
    if (at < 0) return;
    this.threads.splice(at, 1);
    this.countThreads(-1);
    this.options.metrics?.mappingThreadExits.inc();
    this.options.logger.error({ exit_code: code, calls: thread.calls.size }, this.closed ? 'mapping thread stopped while closing' : 'mapping thread stopped; the next call starts a new one');
    const error = new UnigateError('INTERNAL_ERROR', { message: 'The call was interrupted', cause: new Error(`mapping thread exited with code ${code}`) });
    for (const call of thread.calls.values()) call.reject(error);
    thread.calls.clear();
    thread.lent.clear();
  }
}
