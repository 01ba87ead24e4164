/**
 * The domain model shared by the engine, the sources, the sinks and the drivers.
 *
 * Everything here is plain data: no classes, no AWS types, JSON-serialisable (Maps aside), so a
 * snapshot written by one driver can be read by another and the engine stays pure. It is split by
 * vocabulary under `model/` (baseline, observation, finding, run); this module re-exports all of it.
 */
export * from './model/baseline.js';
export * from './model/finding.js';
export * from './model/observation.js';
export * from './model/run.js';
