/**
 * Records Kubernetes Events about objects, as client-go's EventRecorder: a repeat of the same
 * type, reason and message for the same object bumps `count` and `lastTimestamp` instead of
 * writing a new Event. Recording never fails the caller: an Event is information, not state.
 *
 *   events.record(pod, 'Warning', 'FailedScheduling', '0/5 nodes are available: ...');
 */
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';
import type { Clock, Random } from '@wisp/core';
import { rfc3339 } from '@wisp/core';
import type { Registry } from '../../registry/registry.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  record(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void>;
}

export interface EventRecorderInit {
  /** Reported as `source.component` and `reportingController`. */
  readonly component: string;
  /** Remembered (object, reason, message) keys for aggregation; oldest forgotten first. */
  readonly aggregateKeysMax?: number;
}

const EVENTS = findResource('', 'events')!;

export function createEventRecorder(
  init: EventRecorderInit,
  c: { registry: Registry; clock: Clock; random: Random; log?: (m: string, e?: unknown) => void },
): EventRecorder {
  const seen = new Map<string, string>();
  const keysMax = init.aggregateKeysMax ?? 4096;
  return {
    async record(obj, type, reason, message) {
      const m = obj.metadata;
      const ns = m.namespace ?? 'default';
      const key = `${m.uid}/${type}/${reason}/${message}`;
      const now = rfc3339(c.clock.now());
      try {
        const existing = seen.get(key);
        if (existing) {
          await c.registry.modify(EVENTS, ns, existing, (ev) => {
            if (!ev) throw Object.assign(new Error('gone'), { code: 'ERR_NOT_FOUND' });
            ev.count = ((ev.count as number) ?? 1) + 1;
            ev.lastTimestamp = now;
            return ev;
          });
          return;
        }
        const name = `${m.name}.${c.random.suffix(10)}`;
        await c.registry.create(EVENTS, ns, {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace: ns },
          involvedObject: {
            apiVersion: obj.apiVersion,
            kind: obj.kind,
            name: m.name,
            namespace: m.namespace,
            uid: m.uid,
            resourceVersion: m.resourceVersion,
          },
          type,
          reason,
          message,
          count: 1,
          firstTimestamp: now,
          lastTimestamp: now,
          source: { component: init.component },
          reportingComponent: init.component,
          reportingInstance: init.component,
        });
        seen.set(key, name);
        if (seen.size > keysMax) seen.delete(seen.keys().next().value!);
      } catch (e) {
        seen.delete(key);
        c.log?.(`event ${reason} for ${m.namespace}/${m.name} not recorded`, e);
      }
    },
  };
}
