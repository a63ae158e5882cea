/** The garbage collector: ownerReferences, and foreground / orphan deletion. */
export { createGarbageCollectorController } from './garbage-collector.ts';
export type {
  GarbageCollector,
  GarbageCollectorComponents,
  GarbageCollectorInit,
} from './garbage-collector.ts';
