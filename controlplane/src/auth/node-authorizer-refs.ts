/**
 * The ConfigMaps and Secrets a pod uses: volumes (plain and projected), env and envFrom of every
 * container kind, and image pull secrets. The node authorizer lets a node read exactly these.
 */
import type { Container, Pod } from '@wisp/api';
import type { EphemeralContainer } from 'kubernetes-types/core/v1.js';

export interface PodReferences {
  readonly configMaps: Set<string>;
  readonly secrets: Set<string>;
}

export function podReferences(pod: Pod): PodReferences {
  const refs: PodReferences = { configMaps: new Set(), secrets: new Set() };
  const addCm = (n?: string) => n && refs.configMaps.add(n);
  const addSecret = (n?: string) => n && refs.secrets.add(n);
  const spec = pod.spec;
  if (!spec) return refs;
  for (const s of spec.imagePullSecrets ?? []) addSecret(s.name);
  for (const v of spec.volumes ?? []) {
    addCm(v.configMap?.name);
    addSecret(v.secret?.secretName);
    for (const src of v.projected?.sources ?? []) {
      addCm(src.configMap?.name);
      addSecret(src.secret?.name);
    }
  }
  const containers: (Container | EphemeralContainer)[] = [
    ...(spec.initContainers ?? []),
    ...spec.containers,
    ...(spec.ephemeralContainers ?? []),
  ];
  for (const c of containers) {
    for (const e of c.env ?? []) {
      addCm(e.valueFrom?.configMapKeyRef?.name);
      addSecret(e.valueFrom?.secretKeyRef?.name);
    }
    for (const e of c.envFrom ?? []) {
      addCm(e.configMapRef?.name);
      addSecret(e.secretRef?.name);
    }
  }
  return refs;
}
