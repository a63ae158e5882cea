/**
 * @wisp/testkit: fakes and the conformance suites every implementation of a port runs.
 *
 *   import { FakeClock, MemoryStore, runStoreConformance } from '@wisp/testkit';
 */
export * from './fake-clock.ts';
export * from './memory-store.ts';
export * from './store-conformance.ts';
export { TooSlowError, FutureRevisionError } from './store-errors.ts';
export * from './fake-runtime.ts';
export * from './memory-gossip.ts';
export * from './gossip-conformance.ts';
export * from './wasm-fixtures.ts';
export * from './registry-fixture.ts';
