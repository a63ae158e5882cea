/**
 * @wisp/core: ports and small pure helpers every Wisp package builds on. The only package allowed
 * to touch real time and randomness.
 *
 *   import { systemClock, type Store, NotFoundError } from '@wisp/core';
 */
export * from './clock.ts';
export * from './random.ts';
export * from './errors.ts';
export * from './lifecycle.ts';
export * from './store.ts';
export * from './watch-hub.ts';
export * from './gossip.ts';
export * from './files.ts';
export * from './pod-runtime.ts';
export * from './container-log.ts';
