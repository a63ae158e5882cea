/**
 * What every workload controller factory takes and returns: the controller loop plus its
 * `reconcile(key)`, which tests call directly on a preloaded store.
 */
import type { Clock, Random } from '@wisp/core';
import type { InformerFactory } from '../../../informer/factory.ts';
import type { Registry } from '../../../registry/registry.ts';
import type { Controller, ReconcileResult } from '../../framework/controller.ts';
import type { EventRecorder } from '../../framework/events.ts';

export interface WorkloadComponents {
  readonly registry: Registry;
  readonly informers: InformerFactory;
  readonly clock: Clock;
  readonly random: Random;
  readonly events: EventRecorder;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface WorkloadInit {
  readonly workers?: number;
  /** How soon a key whose caches lag behind its own writes is looked at again. */
  readonly cacheRecheckMs?: number;
}

export interface WorkloadController extends Controller {
  reconcile(key: string): Promise<ReconcileResult | void>;
}

/** The sooner of two optional delays. */
export function sooner(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
