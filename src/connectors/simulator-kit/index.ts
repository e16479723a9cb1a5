/**
 * Shared, platform-neutral pieces the platform simulators are built on: seeded data, an
 * HTTP scaffold, fault injection, rate-limit models, time formats and CLI plumbing.
 */
export * from './clock.js';
export * from './cli.js';
export * from './dataset.js';
export * from './faults.js';
export * from './oauth1.js';
export * from './prng.js';
export * from './rate-limit.js';
export * from './server.js';
export * from './time-format.js';
