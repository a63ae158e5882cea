/** The NetworkPolicy table: NAME POD-SELECTOR AGE, as kubectl prints it. */
import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import { labelSelectorAsString } from '../labels/label-selector.ts';
import type { KubeObject } from '../meta.ts';
import { AGE, NAME, column, doc } from './columns.ts';
import { since } from './human-duration.ts';
import type { Printer } from './types.ts';

export const networkPolicyPrinter: Printer = {
  columns: [
    NAME,
    column('Pod-Selector', doc('io.k8s.api.networking.v1.NetworkPolicySpec', 'podSelector'), {
      format: 'label-selector',
    }),
    AGE,
  ],
  row: (obj: KubeObject, now: number) => {
    const np = obj as unknown as NetworkPolicy;
    const selector = np.spec?.podSelector;
    // An empty selector selects every pod; kubectl prints it as `<none>`.
    return {
      cells: [
        obj.metadata.name ?? '',
        labelSelectorAsString(selector ?? {}),
        since(obj.metadata.creationTimestamp, now),
      ],
    };
  },
};
