/**
 * A backend that enforces its own rate limit the way Shopify does (shopify.md §5): a leaky
 * bucket per access token, `X-Shopify-Shop-Api-Call-Limit: used/capacity` on every answer,
 * 429 with a fractional `Retry-After` when full. It counts, per token, what it served and
 * what it refused, and the most requests it ever had in flight, so tests assert at the
 * backend. `throttle(ms)` makes the next request start a window in which everything is
 * refused, as an outside throttle would: requests arriving in it are counted as violations.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../src/connectors/simulator-kit/clock.js';
import { createLeakyBucket } from '../../src/connectors/simulator-kit/rate-limit.js';

export interface ThrottledBackend {
  url: string;
  served: number;
  refused: number;
  /** Requests that arrived while a throttle() window was on. */
  violations: number;
  maxInFlight: number;
  /** Arrival order, by the `x-who` request header. */
  arrivals: string[];
  servedBy: Record<string, number>;
  /** The next request gets 429 with this Retry-After (seconds), and for `ms` after it every request does (and is a violation). */
  throttle(ms: number, retryAfter: string): void;
  close(): Promise<void>;
}

export interface BackendOptions {
  capacity: number;
  leakPerSecond: number;
  /** Hold each response this long (to observe concurrency). */
  holdMs?: number;
}

export async function startThrottledBackend(options: BackendOptions): Promise<ThrottledBackend> {
  const bucket = createLeakyBucket({ capacity: options.capacity, leakPerSecond: options.leakPerSecond, clock: systemClock });
  let inFlight = 0;
  let throttledUntil = 0;
  let throttleRetryAfter = '1';
  let armedMs = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    inFlight++;
    backend.maxInFlight = Math.max(backend.maxInFlight, inFlight);
    backend.arrivals.push(String(req.headers['x-who'] ?? ''));
    const token = String(req.headers['x-shopify-access-token'] ?? 'anonymous');
    const answer = (): void => {
      inFlight--;
      const first = armedMs > 0;
      if (first) {
        throttledUntil = Date.now() + armedMs;
        armedMs = 0;
      }
      if (Date.now() < throttledUntil) {
        if (!first) backend.violations++;
        backend.refused++;
        res.writeHead(429, { 'retry-after': throttleRetryAfter, 'content-type': 'application/json' });
        res.end('{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}');
        return;
      }
      const taken = bucket.take(token);
      const limit = `${Math.ceil(taken.used)}/${taken.capacity}`;
      if (!taken.allowed) {
        backend.refused++;
        res.writeHead(429, { 'retry-after': taken.secondsUntilRoom.toFixed(1), 'x-shopify-shop-api-call-limit': limit, 'content-type': 'application/json' });
        res.end('{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}');
        return;
      }
      backend.served++;
      backend.servedBy[token] = (backend.servedBy[token] ?? 0) + 1;
      res.writeHead(200, { 'x-shopify-shop-api-call-limit': limit, 'content-type': 'application/json' });
      res.end('{"ok":true}');
    };
    if (options.holdMs) setTimeout(answer, options.holdMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const backend: ThrottledBackend = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served: 0,
    refused: 0,
    violations: 0,
    maxInFlight: 0,
    arrivals: [],
    servedBy: {},
    throttle(ms, retryAfter) {
      armedMs = ms;
      throttleRetryAfter = retryAfter;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return backend;
}
