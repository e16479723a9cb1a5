/**
 * What both backends share about rate limits: spec validation, the name each limit's
 * state is stored under, and turning per-limit answers into one RateDecision.
 */
import type { CheckOptions, GcraLimit, LimitState, RateDecision, RateLimitSpec } from './types.js';

/** The answer of one limit as both backends compute it (retry -1 = never). */
export interface RawLimitState {
  allowed: boolean;
  remaining: number;
  resetMs: number;
  retryAfterMs: number;
}

export interface RawDecision {
  pausedMs: number;
  delayMs: number;
  limits: RawLimitState[];
}

const ids = new WeakMap<RateLimitSpec, string>();

export function limitId(spec: RateLimitSpec): string {
  let id = ids.get(spec);
  if (id === undefined) {
    if (spec.name !== undefined) id = `n:${spec.name}`;
    else id = spec.kind === 'gcra' ? `g:${spec.rate}:${spec.periodMs}:${gcraBurst(spec)}` : `w:${spec.limit}:${spec.windowMs}`;
    ids.set(spec, id);
  }
  return id;
}

export function gcraBurst(spec: GcraLimit): number {
  return spec.burst ?? spec.rate;
}

/** GCRA's emission interval T: ms one unit takes to leak. */
export function gcraInterval(spec: GcraLimit): number {
  return spec.periodMs / spec.rate;
}

// Policies check one specs array per request: each array is validated once.
const validated = new WeakSet<readonly RateLimitSpec[]>();

export function validateSpecs(specs: readonly RateLimitSpec[]): void {
  if (validated.has(specs)) return;
  for (const spec of specs) {
    const ok = spec.kind === 'gcra'
      ? positive(spec.rate) && positive(spec.periodMs) && positive(gcraBurst(spec))
      : positive(spec.limit) && positive(spec.windowMs) && Number.isInteger(spec.windowMs);
    if (!ok) throw new TypeError(`invalid rate limit ${JSON.stringify(spec)}`);
  }
  validated.add(specs);
}

const DEFAULT_OPTIONS = { cost: 1, maxDelayMs: 0 };

export function checkOptions(options: CheckOptions | undefined): { cost: number; maxDelayMs: number } {
  if (options === undefined) return DEFAULT_OPTIONS;
  const cost = options?.cost ?? 1;
  const maxDelayMs = options?.maxDelayMs ?? 0;
  if (!(cost >= 0 && Number.isFinite(cost))) throw new TypeError(`invalid cost ${cost}`);
  if (!(maxDelayMs >= 0 && Number.isFinite(maxDelayMs))) throw new TypeError(`invalid maxDelayMs ${maxDelayMs}`);
  return { cost, maxDelayMs };
}

export function limitState(spec: RateLimitSpec, raw: RawLimitState): LimitState {
  return {
    spec,
    allowed: raw.allowed,
    limit: spec.kind === 'gcra' ? gcraBurst(spec) : spec.limit,
    remaining: raw.remaining,
    resetMs: raw.resetMs,
    retryAfterMs: raw.retryAfterMs < 0 ? Number.POSITIVE_INFINITY : raw.retryAfterMs,
  };
}

export function toDecision(specs: readonly RateLimitSpec[], raw: RawDecision): RateDecision {
  const limits: LimitState[] = new Array(specs.length);
  let refused = 0;
  for (let i = 0; i < specs.length; i++) {
    const state = limitState(specs[i]!, raw.limits[i]!);
    limits[i] = state;
    if (!state.allowed) refused++;
  }
  const allowed = raw.pausedMs === 0 && refused === 0;
  // Binding: the refusing limit that waits longest, else the one with the least left.
  let binding: LimitState | undefined;
  let retryAfterMs = raw.pausedMs;
  for (const l of limits) {
    if (refused > 0 && l.allowed) continue;
    if (!l.allowed) retryAfterMs = Math.max(retryAfterMs, l.retryAfterMs);
    if (binding === undefined) binding = l;
    else if (refused > 0 ? l.retryAfterMs > binding.retryAfterMs : l.remaining < binding.remaining) binding = l;
  }
  return { allowed, delayMs: allowed ? raw.delayMs : 0, retryAfterMs: allowed ? 0 : retryAfterMs, pausedMs: raw.pausedMs, limits, binding };
}

function positive(n: number): boolean {
  return Number.isFinite(n) && n > 0;
}
