/** Tables of the apps/v1 workloads: deployments, replica sets, daemon sets, stateful sets. */
import type {
  ControllerRevision,
  DaemonSet,
  Deployment,
  ReplicaSet,
  StatefulSet,
} from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../meta.ts';
import { AGE, NAME, column, doc, workloadColumns } from './columns.ts';
import { containerCells, formatLabelSelector, formatLabels, selectorString } from './format.ts';
import { since } from './human-duration.ts';
import type { Printer } from './types.ts';

const APPS = 'io.k8s.api.apps.v1';

export const deploymentPrinter: Printer = {
  columns: [
    NAME,
    column('Ready', 'Number of the pod with ready state'),
    column('Up-to-date', doc(`${APPS}.DeploymentStatus`, 'updatedReplicas')),
    column('Available', doc(`${APPS}.DeploymentStatus`, 'availableReplicas')),
    AGE,
    ...workloadColumns(doc(`${APPS}.DeploymentSpec`, 'selector')),
  ],
  row(obj: KubeObject, now: number) {
    const d = obj as unknown as Deployment;
    const status = d.status ?? {};
    return {
      cells: [
        d.metadata?.name ?? '',
        `${status.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
        status.updatedReplicas ?? 0,
        status.availableReplicas ?? 0,
        since(d.metadata?.creationTimestamp, now),
        ...containerCells(d.spec?.template.spec?.containers),
        selectorString(d.spec?.selector),
      ],
    };
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    NAME,
    column('Desired', doc(`${APPS}.ReplicaSetSpec`, 'replicas'), { type: 'integer' }),
    column('Current', doc(`${APPS}.ReplicaSetStatus`, 'replicas'), { type: 'integer' }),
    column('Ready', doc(`${APPS}.ReplicaSetStatus`, 'readyReplicas'), { type: 'integer' }),
    AGE,
    ...workloadColumns(doc(`${APPS}.ReplicaSetSpec`, 'selector')),
  ],
  row(obj: KubeObject, now: number) {
    const rs = obj as unknown as ReplicaSet;
    return {
      cells: [
        rs.metadata?.name ?? '',
        rs.spec?.replicas ?? 0,
        rs.status?.replicas ?? 0,
        rs.status?.readyReplicas ?? 0,
        since(rs.metadata?.creationTimestamp, now),
        ...containerCells(rs.spec?.template?.spec?.containers),
        formatLabelSelector(rs.spec?.selector),
      ],
    };
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    NAME,
    column('Desired', doc(`${APPS}.DaemonSetStatus`, 'desiredNumberScheduled'), {
      type: 'integer',
    }),
    column('Current', doc(`${APPS}.DaemonSetStatus`, 'currentNumberScheduled'), {
      type: 'integer',
    }),
    column('Ready', doc(`${APPS}.DaemonSetStatus`, 'numberReady'), { type: 'integer' }),
    column('Up-to-date', doc(`${APPS}.DaemonSetStatus`, 'updatedNumberScheduled'), {
      type: 'integer',
    }),
    column('Available', doc(`${APPS}.DaemonSetStatus`, 'numberAvailable'), { type: 'integer' }),
    column('Node Selector', doc('io.k8s.api.core.v1.PodSpec', 'nodeSelector')),
    AGE,
    ...workloadColumns(doc(`${APPS}.DaemonSetSpec`, 'selector')),
  ],
  row(obj: KubeObject, now: number) {
    const ds = obj as unknown as DaemonSet;
    const s = ds.status;
    return {
      cells: [
        ds.metadata?.name ?? '',
        s?.desiredNumberScheduled ?? 0,
        s?.currentNumberScheduled ?? 0,
        s?.numberReady ?? 0,
        s?.updatedNumberScheduled ?? 0,
        s?.numberAvailable ?? 0,
        formatLabels(ds.spec?.template.spec?.nodeSelector),
        since(ds.metadata?.creationTimestamp, now),
        ...containerCells(ds.spec?.template.spec?.containers),
        formatLabelSelector(ds.spec?.selector),
      ],
    };
  },
};

export const statefulSetPrinter: Printer = {
  columns: [
    NAME,
    column('Ready', 'Number of the pod with ready state'),
    AGE,
    ...workloadColumns('').slice(0, 2),
  ],
  row(obj: KubeObject, now: number) {
    const ss = obj as unknown as StatefulSet;
    return {
      cells: [
        ss.metadata?.name ?? '',
        `${ss.status?.readyReplicas ?? 0}/${ss.spec?.replicas ?? 0}`,
        since(ss.metadata?.creationTimestamp, now),
        ...containerCells(ss.spec?.template.spec?.containers),
      ],
    };
  },
};

/** `kind.group/name` of the controlling owner, as `kubectl get controllerrevisions` shows it. */
function controllerOf(obj: KubeObject): string {
  const owner = (obj.metadata.ownerReferences ?? []).find((o) => o.controller);
  if (!owner) return '<none>';
  const slash = owner.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : owner.apiVersion.slice(0, slash);
  const kind = group ? `${owner.kind}.${group}` : owner.kind;
  return `${kind.toLowerCase()}/${owner.name}`;
}

export const controllerRevisionPrinter: Printer = {
  columns: [
    NAME,
    column('Controller', 'Controller of the object'),
    column('Revision', doc(`${APPS}.ControllerRevision`, 'revision'), { type: 'integer' }),
    AGE,
  ],
  row(obj: KubeObject, now: number) {
    const cr = obj as unknown as ControllerRevision;
    return {
      cells: [
        cr.metadata?.name ?? '',
        controllerOf(obj),
        cr.revision ?? 0,
        since(cr.metadata?.creationTimestamp, now),
      ],
    };
  },
};
