/**
 * One informer per resource, shared by every controller that reads it, as client-go's
 * SharedInformerFactory. Controllers ask for informers while they are being built; `start()`
 * lists and watches all of them.
 *
 *   const informers = createInformerFactory({ registry, clock });
 *   const pods = informers.for(findResource('', 'pods')!);
 *   await informers.start();
 */
import type { ResourceInfo } from '@wisp/api';
import type { Clock, Startable } from '@wisp/core';
import { startAll, stopAll } from '@wisp/core';
import type { Registry } from '../registry/registry.ts';
import { createInformer } from './informer.ts';
import type { Informer } from './informer.ts';

export interface InformerFactory extends Startable {
  for(resource: ResourceInfo): Informer;
}

export function createInformerFactory(components: {
  registry: Registry;
  clock: Clock;
}): InformerFactory {
  const informers = new Map<string, Informer>();
  let started = false;
  return {
    for(resource) {
      const key = `${resource.group}/${resource.plural}`;
      let inf = informers.get(key);
      if (!inf) {
        if (started) throw new Error(`informer for ${key} requested after start`);
        inf = createInformer({ resource }, components);
        informers.set(key, inf);
      }
      return inf;
    },
    async start() {
      started = true;
      await startAll([...informers.values()]);
    },
    stop: () => stopAll([...informers.values()]),
  };
}
