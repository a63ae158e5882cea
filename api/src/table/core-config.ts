/** Tables of namespaces, config maps, secrets and service accounts. */
import type { ConfigMap, Namespace, Secret, ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../meta.ts';
import { AGE, NAME, column, doc } from './columns.ts';
import { since } from './human-duration.ts';
import type { Printer } from './types.ts';

const CORE = 'io.k8s.api.core.v1';

const name = (obj: KubeObject): string => obj.metadata.name ?? '';
const age = (obj: KubeObject, now: number): string => since(obj.metadata.creationTimestamp, now);

export const namespacePrinter: Printer = {
  columns: [NAME, column('Status', 'The status of the namespace'), AGE],
  row: (obj, now) => ({
    cells: [name(obj), (obj as unknown as Namespace).status?.phase ?? '', age(obj, now)],
  }),
};

export const configMapPrinter: Printer = {
  columns: [NAME, column('Data', doc(`${CORE}.ConfigMap`, 'data'), { type: 'integer' }), AGE],
  row(obj, now) {
    const cm = obj as unknown as ConfigMap;
    const keys = Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length;
    return { cells: [name(obj), keys, age(obj, now)] };
  },
};

export const secretPrinter: Printer = {
  columns: [
    NAME,
    column('Type', doc(`${CORE}.Secret`, 'type')),
    column('Data', doc(`${CORE}.Secret`, 'data'), { type: 'integer' }),
    AGE,
  ],
  row(obj, now) {
    const secret = obj as unknown as Secret;
    // stringData is write-only and folded into data on write; count it if a caller has not.
    const keys = new Set([
      ...Object.keys(secret.data ?? {}),
      ...Object.keys(secret.stringData ?? {}),
    ]);
    return { cells: [name(obj), secret.type ?? 'Opaque', keys.size, age(obj, now)] };
  },
};

export const serviceAccountPrinter: Printer = {
  columns: [
    NAME,
    column('Secrets', doc(`${CORE}.ServiceAccount`, 'secrets'), { type: 'integer' }),
    AGE,
  ],
  row: (obj, now) => ({
    cells: [name(obj), ((obj as unknown as ServiceAccount).secrets ?? []).length, age(obj, now)],
  }),
};
