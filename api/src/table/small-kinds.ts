/** Tables of leases, runtime classes and pod disruption budgets. */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { RuntimeClass } from 'kubernetes-types/node/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import type { KubeObject } from '../meta.ts';
import { AGE, NAME, column, doc } from './columns.ts';
import { since } from './human-duration.ts';
import type { Printer } from './types.ts';

const age = (obj: KubeObject, now: number): string => since(obj.metadata.creationTimestamp, now);

export const leasePrinter: Printer = {
  columns: [
    NAME,
    column('Holder', doc('io.k8s.api.coordination.v1.LeaseSpec', 'holderIdentity')),
    AGE,
  ],
  row: (obj, now) => ({
    cells: [
      obj.metadata.name ?? '',
      (obj as unknown as Lease).spec?.holderIdentity ?? '',
      age(obj, now),
    ],
  }),
};

export const runtimeClassPrinter: Printer = {
  columns: [NAME, column('Handler', doc('io.k8s.api.node.v1.RuntimeClass', 'handler')), AGE],
  row: (obj, now) => ({
    cells: [obj.metadata.name ?? '', (obj as unknown as RuntimeClass).handler ?? '', age(obj, now)],
  }),
};

const PDB = 'io.k8s.api.policy.v1';

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    NAME,
    column('Min Available', doc(`${PDB}.PodDisruptionBudgetSpec`, 'minAvailable')),
    column('Max Unavailable', doc(`${PDB}.PodDisruptionBudgetSpec`, 'maxUnavailable')),
    column('Allowed Disruptions', doc(`${PDB}.PodDisruptionBudgetStatus`, 'disruptionsAllowed'), {
      type: 'integer',
    }),
    AGE,
  ],
  row(obj, now) {
    const pdb = obj as unknown as PodDisruptionBudget;
    return {
      cells: [
        obj.metadata.name ?? '',
        pdb.spec?.minAvailable === undefined ? 'N/A' : String(pdb.spec.minAvailable),
        pdb.spec?.maxUnavailable === undefined ? 'N/A' : String(pdb.spec.maxUnavailable),
        pdb.status?.disruptionsAllowed ?? 0,
        age(obj, now),
      ],
    };
  },
};
