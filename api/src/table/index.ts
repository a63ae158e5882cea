/**
 * Server-side printing: `toTable` turns objects of one resource into the `meta.k8s.io/v1`
 * Table that `kubectl get` asks for (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`),
 * with the columns kubectl users know for each built-in kind and NAME AGE for the rest. Rows
 * always carry the `-o wide` cells; kubectl hides priority-1 columns unless asked.
 *
 *   toTable(findResource('', 'pods')!, pods, { now: clock.now(), listMeta: list.metadata });
 */
import type { KubeObject, ObjectMeta } from '../meta.ts';
import type { ResourceInfo } from '../resources.ts';
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from './apps.ts';
import { cronJobPrinter, jobPrinter } from './batch.ts';
import { AGE, NAME } from './columns.ts';
import {
  configMapPrinter,
  namespacePrinter,
  secretPrinter,
  serviceAccountPrinter,
} from './core-config.ts';
import { eventPrinter } from './event.ts';
import { since } from './human-duration.ts';
import { nodePrinter } from './node.ts';
import { podPrinter } from './pod.ts';
import { roleBindingPrinter, rolePrinter } from './rbac.ts';
import { endpointsPrinter, servicePrinter } from './service.ts';
import { networkPolicyPrinter } from './network-policy.ts';
import { leasePrinter, podDisruptionBudgetPrinter, runtimeClassPrinter } from './small-kinds.ts';
import type { PartialObjectMetadata, Printer, Table, TableRow, ToTableOptions } from './types.ts';

export type * from './types.ts';
export { humanDuration, since } from './human-duration.ts';

const defaultPrinter: Printer = {
  columns: [NAME, AGE],
  row: (obj, now) => ({
    cells: [obj.metadata.name ?? '', since(obj.metadata.creationTimestamp, now)],
  }),
};

/** Keyed by `group/Kind`; the core group is the empty string. */
const PRINTERS: ReadonlyMap<string, Printer> = new Map([
  ['/Pod', podPrinter],
  ['/Node', nodePrinter],
  ['/Namespace', namespacePrinter],
  ['/Service', servicePrinter],
  ['/Endpoints', endpointsPrinter],
  ['/ConfigMap', configMapPrinter],
  ['/Secret', secretPrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['/Event', eventPrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['apps/DaemonSet', daemonSetPrinter],
  ['apps/StatefulSet', statefulSetPrinter],
  ['apps/ControllerRevision', controllerRevisionPrinter],
  ['batch/Job', jobPrinter],
  ['batch/CronJob', cronJobPrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  ['node.k8s.io/RuntimeClass', runtimeClassPrinter],
  ['policy/PodDisruptionBudget', podDisruptionBudgetPrinter],
  ['networking.k8s.io/NetworkPolicy', networkPolicyPrinter],
  ['rbac.authorization.k8s.io/Role', rolePrinter],
  ['rbac.authorization.k8s.io/ClusterRole', rolePrinter],
  ['rbac.authorization.k8s.io/RoleBinding', roleBindingPrinter],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', roleBindingPrinter],
]);

export function printerFor(info: Pick<ResourceInfo, 'group' | 'kind'>): Printer {
  return PRINTERS.get(`${info.group}/${info.kind}`) ?? defaultPrinter;
}

function partial(metadata: ObjectMeta): PartialObjectMetadata {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

export function toTable(
  info: ResourceInfo,
  objects: readonly KubeObject[],
  options: ToTableOptions,
): Table {
  const printer = printerFor(info);
  const include = options.includeObject ?? 'Metadata';
  const rows = objects.map((obj): TableRow => {
    const printed = printer.row(obj, options.now);
    if (include === 'None') return printed;
    return { ...printed, object: include === 'Object' ? obj : partial(obj.metadata) };
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { ...options.listMeta },
    columnDefinitions: [...printer.columns],
    rows,
  };
}
