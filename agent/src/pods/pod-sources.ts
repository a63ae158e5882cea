/**
 * What a pod's env and volumes may refer to: the ConfigMaps and opened Secrets of the node's
 * desired document, looked up by namespace and name.
 */
import type { ConfigMap, Secret } from 'kubernetes-types/core/v1.js';

export interface PodSources {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
}

export function podSourcesOf(
  configMaps: readonly ConfigMap[] = [],
  secrets: readonly Secret[] = [],
): PodSources {
  const key = (o: ConfigMap | Secret) =>
    `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`;
  const cms = new Map(configMaps.map((c) => [key(c), c]));
  const secs = new Map(secrets.map((s) => [key(s), s]));
  return {
    configMap: (ns, name) => cms.get(`${ns}/${name}`),
    secret: (ns, name) => secs.get(`${ns}/${name}`),
  };
}

/** A ConfigMap's keys as bytes (`data` as UTF-8, `binaryData` decoded). */
export function configMapEntries(cm: ConfigMap): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(cm.data ?? {})) out.set(k, new TextEncoder().encode(v));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

/** A Secret's keys as bytes (`data` is base64; `stringData` if a writer left it). */
export function secretEntries(s: Secret): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(s.data ?? {})) out.set(k, Buffer.from(v, 'base64'));
  for (const [k, v] of Object.entries(s.stringData ?? {})) {
    out.set(k, new TextEncoder().encode(v));
  }
  return out;
}

export type SourceKind = 'configmap' | 'secret';

/** The keys of a ConfigMap or Secret as bytes; undefined if the document does not hold it. */
export function sourceEntries(
  sources: PodSources,
  kind: SourceKind,
  namespace: string,
  name: string,
): Map<string, Uint8Array> | undefined {
  if (kind === 'configmap') {
    const cm = sources.configMap(namespace, name);
    return cm && configMapEntries(cm);
  }
  const s = sources.secret(namespace, name);
  return s && secretEntries(s);
}
