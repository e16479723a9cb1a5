/**
 * The pipeline's phases, in the order they run. This is the one place that states order;
 * each policy declares its phase and the route builder sorts by this list.
 */
export const PHASES = [
  // Inbound, once per request.
  'authenticate', // who is calling: the consumer (API key, JWT)
  'rate-limit', // after authenticate: limits are keyed by consumer
  'validate', // before any transform: validate what the client sent
  'transform-request', // reshape the request for the upstream
  'cache', // lookup last: the key depends on the transformed request
  // Outbound, once per attempt (so a retry gets a fresh token and signature): the engine's
  // upstream phase picks a target, paces (shield), injects credentials, then sends.
  'upstream',
  // On the way back.
  'transform-response',
  // Response hooks only. Response hooks run in reverse phase order, so this one sees the
  // upstream's answer first, before transform-response changes it (report-only validation).
  'validate-response',
] as const;

export type Phase = (typeof PHASES)[number];

export function phaseIndex(phase: Phase): number {
  return PHASES.indexOf(phase);
}
