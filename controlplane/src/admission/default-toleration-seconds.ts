/**
 * DefaultTolerationSeconds, with Wisp's edge twist: a pod created without a toleration for the
 * `not-ready` / `unreachable` NoExecute taints gets one, so the taint manager evicts it from a
 * lost node after 300 s (upstream's default) and its owner replaces it elsewhere. Pods of a
 * DaemonSet and pods annotated `wisp.dev/edge-autonomy: "true"` get tolerations without
 * `tolerationSeconds` instead: a site that loses its uplink keeps its workloads.
 *
 *   const plugin = createDefaultTolerationSeconds({});
 */
import type { KubeObject } from '@wisp/api';
import type { AdmissionPlugin } from '../registry/types.ts';
import {
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  tolerates,
  type Toleration,
} from '../controllers/nodelifecycle/tolerations.ts';

export interface DefaultTolerationSecondsInit {
  /** Default 300, as kube-apiserver's `--default-not-ready-toleration-seconds`. */
  readonly notReadyTolerationSeconds?: number;
  /** Default 300, as kube-apiserver's `--default-unreachable-toleration-seconds`. */
  readonly unreachableTolerationSeconds?: number;
}

export const EDGE_AUTONOMY_ANNOTATION = 'wisp.dev/edge-autonomy';
export const defaultTolerationSecondsDefault = 300;

/** Pods that must ride out a lost uplink: DaemonSet pods and pods that ask for it. */
export function staysOnLostNode(pod: KubeObject): boolean {
  if (pod.metadata.annotations?.[EDGE_AUTONOMY_ANNOTATION] === 'true') return true;
  return (pod.metadata.ownerReferences ?? []).some(
    (r) => r.controller && r.kind === 'DaemonSet' && r.apiVersion.startsWith('apps/'),
  );
}

export function createDefaultTolerationSeconds(
  init: DefaultTolerationSecondsInit,
): AdmissionPlugin {
  const seconds: Record<string, number> = {
    [TAINT_NOT_READY]: init.notReadyTolerationSeconds ?? defaultTolerationSecondsDefault,
    [TAINT_UNREACHABLE]: init.unreachableTolerationSeconds ?? defaultTolerationSecondsDefault,
  };
  return {
    name: 'DefaultTolerationSeconds',
    admit(op, info, pod) {
      if (op !== 'CREATE' || info.kind !== 'Pod') return;
      const spec = (pod.spec ??= {}) as { tolerations?: Toleration[] };
      const tolerations = spec.tolerations ?? [];
      const forever = staysOnLostNode(pod);
      const added: Toleration[] = [];
      for (const key of [TAINT_NOT_READY, TAINT_UNREACHABLE]) {
        const taint = { key, effect: 'NoExecute' };
        if (tolerations.some((t) => tolerates(t, taint))) continue;
        const t: Toleration = { key, operator: 'Exists', effect: 'NoExecute' };
        if (!forever) t.tolerationSeconds = seconds[key];
        added.push(t);
      }
      if (added.length > 0) spec.tolerations = [...tolerations, ...added];
    },
  };
}
