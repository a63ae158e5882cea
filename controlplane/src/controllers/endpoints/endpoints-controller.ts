/**
 * The endpoints controller: every Service with a selector gets an Endpoints object of the same
 * name listing its pods (ready ones in `addresses`, the others in `notReadyAddresses`), which
 * the distributor ships to the agents' mesh. Services without a selector keep whatever
 * Endpoints their owner writes.
 *
 *   const c = createEndpointsController({}, { registry, informers, clock });
 *   await informers.start(); c.start();
 */
import type { KubeObject } from '@wisp/api';
import { findResource } from '@wisp/api';
import { selectorFromLabelSelector } from '@wisp/api';
import type { Clock } from '@wisp/core';
import { isWispError } from '@wisp/core';
import type { InformerFactory } from '../../informer/factory.ts';
import { objectKey } from '../../informer/informer.ts';
import type { Registry } from '../../registry/registry.ts';
import {
  createController,
  type Controller,
  type ReconcileResult,
} from '../framework/controller.ts';
import { buildSubsets } from './build-subsets.ts';

export interface EndpointsInit {
  readonly workers?: number;
}

export interface EndpointsComponents {
  readonly registry: Registry;
  readonly informers: InformerFactory;
  readonly clock: Clock;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface EndpointsController extends Controller {
  reconcile(key: string): Promise<ReconcileResult | void>;
}

const SERVICES = findResource('', 'services')!;
const PODS = findResource('', 'pods')!;
const ENDPOINTS = findResource('', 'endpoints')!;
const HEADLESS_LABEL = 'service.kubernetes.io/headless';

function selectorOf(svc: KubeObject): Record<string, string> | undefined {
  const sel = (svc.spec as { selector?: Record<string, string> } | undefined)?.selector;
  return sel && Object.keys(sel).length > 0 ? sel : undefined;
}

function selects(svc: KubeObject, pod: KubeObject | undefined): boolean {
  const sel = selectorOf(svc);
  if (!pod || !sel || pod.metadata.namespace !== svc.metadata.namespace) return false;
  return selectorFromLabelSelector({ matchLabels: sel }).matches(pod.metadata.labels);
}

function desiredLabels(svc: KubeObject): Record<string, string> {
  const labels = { ...svc.metadata.labels };
  const headless = (svc.spec as { clusterIP?: string } | undefined)?.clusterIP === 'None';
  if (headless) labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  return labels;
}

export function createEndpointsController(
  init: EndpointsInit,
  c: EndpointsComponents,
): EndpointsController {
  const services = c.informers.for(SERVICES);
  const pods = c.informers.for(PODS);
  const endpoints = c.informers.for(ENDPOINTS);

  async function removeEndpoints(ns: string, name: string): Promise<void> {
    if (!endpoints.get(ns, name)) return;
    try {
      await c.registry.delete(ENDPOINTS, ns, name);
    } catch (e) {
      if (!isWispError(e, 'ERR_NOT_FOUND')) throw e;
    }
  }

  async function reconcile(key: string): Promise<ReconcileResult | void> {
    const slash = key.indexOf('/');
    const ns = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const svc = services.get(ns, name);
    if (!svc) return removeEndpoints(ns, name);
    if (!selectorOf(svc)) return;
    const subsets = buildSubsets(
      svc,
      pods.list(ns).filter((p) => selects(svc, p)),
    );
    const labels = desiredLabels(svc);
    const cached = endpoints.get(ns, name);
    if (
      cached &&
      same(cached.subsets ?? [], subsets) &&
      same(cached.metadata.labels ?? {}, labels)
    ) {
      return;
    }
    await c.registry.modify(ENDPOINTS, ns, name, (current) => {
      const next: KubeObject = current ?? {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name, namespace: ns },
      };
      next.metadata.labels = labels;
      if (subsets.length > 0) next.subsets = subsets;
      else delete next.subsets;
      return next;
    });
  }

  const controller = createController(
    { name: 'endpoints', workers: init.workers ?? 2 },
    { clock: c.clock, reconcile, log: c.log },
  );
  services.onChange((key) => controller.enqueue(key));
  // Someone else changing or deleting an Endpoints object gets it put back.
  endpoints.onChange((key) => {
    const slash = key.indexOf('/');
    if (services.get(key.slice(0, slash), key.slice(slash + 1))) controller.enqueue(key);
  });
  pods.onChange((_key, obj, old) => {
    const ns = (obj ?? old)?.metadata.namespace;
    for (const svc of services.list(ns)) {
      if (selects(svc, obj) || selects(svc, old)) {
        controller.enqueue(objectKey(svc.metadata.namespace, svc.metadata.name!));
      }
    }
  });
  return Object.assign(controller, { reconcile });
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
