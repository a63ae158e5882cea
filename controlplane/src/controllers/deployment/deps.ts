/**
 * What one Deployment reconcile reads (the informer caches) and writes through (the registry).
 */
import type { Clock } from '@wisp/core';
import type { Informer } from '../../informer/informer.ts';
import type { Registry } from '../../registry/registry.ts';
import type { EventRecorder } from '../framework/events.ts';

export interface DeploymentSyncDeps {
  readonly registry: Registry;
  readonly clock: Clock;
  readonly events: EventRecorder;
  readonly deployments: Informer;
  readonly replicaSets: Informer;
  readonly pods: Informer;
}
