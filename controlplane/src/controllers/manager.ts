/**
 * The controller manager: every controller and the scheduler, sharing one set of informers, each
 * reporting Events under its own component name. Started after the apiserver's registry exists;
 * stopped before the store closes.
 *
 *   const manager = createControllerManager({}, { registry, clock, random, log });
 *   await manager.start();
 */
import type { Clock, Random, Startable } from '@wisp/core';
import { startAll, stopAll } from '@wisp/core';
import { createInformerFactory } from '../informer/factory.ts';
import type { InformerFactory } from '../informer/factory.ts';
import type { Registry } from '../registry/registry.ts';
import { createScheduler } from '../scheduler/index.ts';
import { createCronJobController } from './cronjob/index.ts';
import { createDaemonSetController } from './daemonset/index.ts';
import { createDeploymentController } from './deployment/index.ts';
import { createDisruptionController } from './disruption/index.ts';
import { createEndpointsController } from './endpoints/index.ts';
import { createEventRecorder } from './framework/events.ts';
import type { EventRecorder } from './framework/events.ts';
import type { Controller } from './framework/controller.ts';
import { createGarbageCollectorController } from './gc/index.ts';
import { createJobController } from './job/index.ts';
import { createNamespaceController } from './namespace/index.ts';
import { createNodeLifecycleController } from './nodelifecycle/index.ts';
import type { NodeLifecycleInit } from './nodelifecycle/index.ts';
import { createReplicaSetController } from './replicaset/index.ts';
import { createStatefulSetController } from './statefulset/index.ts';

export interface ControllerManagerInit {
  readonly nodeLifecycle?: NodeLifecycleInit;
  /** Controllers to leave out, by name (tests that drive one controller by hand). */
  readonly disabled?: readonly string[];
}

export interface ControllerManagerComponents {
  readonly registry: Registry;
  readonly clock: Clock;
  readonly random: Random;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface ControllerManager extends Startable {
  readonly controllers: ReadonlyMap<string, Controller>;
  readonly informers: InformerFactory;
  /** True when every controller's queue is empty and nothing is in flight. */
  idle(): boolean;
}

interface Deps {
  readonly registry: Registry;
  readonly informers: InformerFactory;
  readonly clock: Clock;
  readonly random: Random;
  readonly events: EventRecorder;
  readonly log?: (message: string, error?: unknown) => void;
}

/** Each entry: the name (also the Events' reporting component) and how to build it. */
function factories(init: ControllerManagerInit): [string, (d: Deps) => Controller][] {
  return [
    ['default-scheduler', (d) => createScheduler({}, d)],
    ['deployment-controller', (d) => createDeploymentController({}, d)],
    ['replicaset-controller', (d) => createReplicaSetController({}, d)],
    ['daemonset-controller', (d) => createDaemonSetController({}, d)],
    ['statefulset-controller', (d) => createStatefulSetController({}, d)],
    ['job-controller', (d) => createJobController({}, d)],
    ['cronjob-controller', (d) => createCronJobController({}, d)],
    ['endpoint-controller', (d) => createEndpointsController({}, d)],
    ['node-controller', (d) => createNodeLifecycleController(init.nodeLifecycle ?? {}, d)],
    ['disruption-controller', (d) => createDisruptionController({}, d)],
    ['garbage-collector', (d) => createGarbageCollectorController({}, d)],
    ['namespace-controller', (d) => createNamespaceController({}, d)],
  ];
}

export function createControllerManager(
  init: ControllerManagerInit,
  c: ControllerManagerComponents,
): ControllerManager {
  const informers = createInformerFactory({ registry: c.registry, clock: c.clock });
  const controllers = new Map<string, Controller>();
  const disabled = new Set(init.disabled ?? []);
  for (const [name, build] of factories(init)) {
    if (disabled.has(name)) continue;
    const events = createEventRecorder(
      { component: name },
      { registry: c.registry, clock: c.clock, random: c.random, log: c.log },
    );
    controllers.set(name, build({ ...c, informers, events }));
  }
  return {
    controllers,
    informers,
    idle: () => [...controllers.values()].every((x) => x.idle()),
    async start() {
      await informers.start();
      await startAll([...controllers.values()]);
    },
    async stop() {
      await stopAll([...controllers.values()]);
      await informers.stop();
    },
  };
}
