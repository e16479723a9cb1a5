/**
 * Where unified calls run. By default in mapping threads: a 250-product page is a megabyte
 * of JSON to parse, map and serialize (10 ms of CPU), which on the event loop would stall
 * every request the proxy is serving meanwhile, and whose objects, in the event loop's small
 * young generation, survive into the old one and are collected at a high price. With
 * `commerce.mapping_threads.count: 0` calls run on the event loop.
 */
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { EnginePlatformClient } from '../platform-client.js';
import { executeCall, type CallConnection, type Json, type UnifiedCall } from './execute.js';
import { MappingThreads } from './mapping-threads.js';

export type { CallConnection, Json, UnifiedCall } from './execute.js';

/** The engine client of a call's connection (throws when the connection cannot be reached). */
export type EngineClientFor = (connection: CallConnection) => EnginePlatformClient;

export interface Executor {
  /** The answer: an object on the event loop, its JSON bytes from a thread. */
  run(call: UnifiedCall, clientFor: EngineClientFor): Promise<Json | Buffer>;
  /** Takes no more calls; those in flight may finish for up to `graceMs`, then fail with INTERNAL_ERROR. */
  close(graceMs?: number): Promise<void>;
}

export interface ExecutorOptions {
  threads: number;
  youngGenerationMb: number;
  logger: Logger;
  metrics?: Metrics;
}

export function createExecutor(options: ExecutorOptions): Executor {
  if (options.threads === 0) return { run: executeCall, close: async () => {} };
  return new MappingThreads(options);
}
