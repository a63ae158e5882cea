/**
 * The admission plugin that gives Services their addresses: a ClusterIP from the service range
 * (10.43.0.0/16 by default; 10.43.0.1 kept for `default/kubernetes`) and NodePorts from
 * 30000-32767, both recorded in the store one key per value so concurrent creates and a restart
 * can never hand one value out twice. Values are freed when the Service is removed, and any
 * record left behind (a create that failed after its claim, a crash) is taken over once its
 * owner no longer uses it.
 *
 *   const plugin = createServiceAllocation({}, { store, clock, random });
 *   const registry = createRegistry({}, { store, clock, random, admission: [plugin] });
 */
import type { KubeObject, ResourceInfo } from '@wisp/api';
import { findResource, storageKey } from '@wisp/api';
import type { Clock, Random, Store } from '@wisp/core';
import type { AdmissionOperation, AdmissionPlugin, WriteOptions } from '../registry/types.ts';
import {
  assignClusterIP,
  FieldErrors,
  updateClusterIP,
  type AllocationStep,
  type ClusterIPAllocator,
} from './cluster-ip.ts';
import { invalidObject } from './errors.ts';
import { parseIPv4Range } from './ipv4-range.ts';
import { assignNodePorts, parsePortRange, type NodePortAllocator } from './node-ports.ts';
import {
  clusterIPsOf,
  dropTypeDependentFields,
  nodePortsOf,
  specOf,
  type ServiceSpec,
} from './service-shape.ts';
import {
  createValueAllocator,
  type AllocationOwner,
  type AllocationRecord,
} from './value-allocator.ts';

export interface ServiceAllocationInit {
  /** Default `10.43.0.0/16`. */
  readonly serviceCidr?: string;
  /** Default `30000-32767`. */
  readonly nodePortRange?: string;
  /** How long a fresh allocation record is protected before it may be reclaimed. */
  readonly allocationGraceMs?: number;
}

export interface ServiceAllocationComponents {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
}

export const serviceCidrDefault = '10.43.0.0/16';
export const nodePortRangeDefault = '30000-32767';
export const serviceIPRecordPrefix = '/registry/_allocations/serviceips/';
export const nodePortRecordPrefix = '/registry/_allocations/servicenodeports/';
const SERVICES = findResource('', 'services')!;
const KUBERNETES_SERVICE = 'default/kubernetes';

/** Whether a record's owner, as stored now, still uses the value (`uses` lists its values). */
function ownerStillUses(store: Store, uses: (spec: ServiceSpec) => string[]) {
  return async (rec: AllocationRecord, value: string): Promise<boolean> => {
    const kv = await store.get(storageKey(SERVICES, rec.namespace, rec.name));
    if (!kv) return false;
    const svc = JSON.parse(kv.value) as KubeObject;
    return svc.metadata.uid === rec.uid && uses(specOf(svc)).includes(value);
  };
}

function clusterIPAllocator(
  init: ServiceAllocationInit,
  c: ServiceAllocationComponents,
): ClusterIPAllocator {
  const range = parseIPv4Range(init.serviceCidr ?? serviceCidrDefault);
  const ips = createValueAllocator(
    {
      graceMs: init.allocationGraceMs,
      prefix: serviceIPRecordPrefix,
      size: range.size,
      valueAt: range.at,
      reservedOffsets: [0],
    },
    { ...c, stillOwns: ownerStillUses(c.store, clusterIPsOf) },
  );
  return { range, ips, reservedIP: range.at(0), reservedFor: KUBERNETES_SERVICE };
}

function nodePortAllocator(
  init: ServiceAllocationInit,
  c: ServiceAllocationComponents,
): NodePortAllocator {
  const range = parsePortRange(init.nodePortRange ?? nodePortRangeDefault);
  const ports = createValueAllocator(
    {
      graceMs: init.allocationGraceMs,
      prefix: nodePortRecordPrefix,
      size: range.size,
      valueAt: (offset) => String(range.base + offset),
    },
    { ...c, stillOwns: ownerStillUses(c.store, (spec) => nodePortsOf(spec).map(String)) },
  );
  return { range, ports };
}

export function createServiceAllocation(
  init: ServiceAllocationInit,
  c: ServiceAllocationComponents,
): AdmissionPlugin {
  const ipAlloc = clusterIPAllocator(init, c);
  const portAlloc = nodePortAllocator(init, c);

  async function release(obj: KubeObject): Promise<void> {
    const owner = ownerOf(obj);
    const spec = specOf(structuredClone(obj));
    for (const ip of clusterIPsOf(spec)) await ipAlloc.ips.release(ip, owner);
    for (const port of nodePortsOf(spec)) await portAlloc.ports.release(String(port), owner);
  }

  async function allocate(
    info: ResourceInfo,
    obj: KubeObject,
    old: KubeObject | undefined,
    options: WriteOptions,
  ): Promise<void> {
    const step: AllocationStep = { owner: ownerOf(obj), dryRun: !!options.dryRun, undo: [] };
    const spec = specOf(obj);
    const oldSpec = old && specOf(structuredClone(old));
    try {
      if (oldSpec) {
        dropTypeDependentFields(spec, oldSpec);
        await updateClusterIP(ipAlloc, spec, oldSpec, step);
      } else await assignClusterIP(ipAlloc, spec, step);
      await assignNodePorts(portAlloc, spec, oldSpec, step);
    } catch (e) {
      for (const undo of step.undo.reverse()) await undo();
      if (e instanceof FieldErrors) throw invalidObject(info, obj.metadata.name ?? '', e.errors);
      throw e;
    }
  }

  return {
    name: 'ServiceAllocation',
    async admit(op: AdmissionOperation, info, obj, old, options) {
      if (info.kind !== 'Service' || options.subresource === 'status') return;
      if (op === 'DELETE') {
        // Only a delete that removes the object frees its values; finalizers keep it alive.
        if ((obj.metadata.finalizers ?? []).length === 0 && !options.dryRun) {
          await release(old ?? obj);
        }
        return;
      }
      if (op === 'UPDATE' && obj.metadata.deletionTimestamp) {
        if ((obj.metadata.finalizers ?? []).length === 0 && !options.dryRun) {
          await release(old ?? obj);
        }
        return;
      }
      await allocate(info, obj, op === 'UPDATE' ? old : undefined, options);
    },
  };
}

function ownerOf(obj: KubeObject): AllocationOwner {
  return {
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
    uid: obj.metadata.uid ?? '',
  };
}
