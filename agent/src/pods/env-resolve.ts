/**
 * A container's environment as the kubelet builds it: `envFrom` first (ConfigMaps and Secrets,
 * with prefix), then `env` in order — plain values with `$(VAR)` expansion against what came
 * before, `valueFrom` ConfigMap/Secret keys and the downward API fields. A missing source that
 * is not `optional` is a PodConfigError naming it, as the kubelet words it.
 */
import type { Container, EnvVar, EnvVarSource, Pod } from 'kubernetes-types/core/v1.js';
import type { EnvPair } from '@wisp/core';
import { expandVars } from './env-expand.ts';
import { PodConfigError } from './pod-config-error.ts';
import { sourceEntries, type PodSources } from './pod-sources.ts';

export interface EnvContext {
  readonly pod: Pod;
  readonly sources: PodSources;
  readonly podIp: string;
  readonly hostIp: string;
  readonly nodeName: string;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const decoder = new TextDecoder();

export function resolveEnv(ctx: EnvContext, container: Container): EnvPair[] {
  const values = new Map<string, string>();
  const ns = ctx.pod.metadata?.namespace ?? 'default';
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref?.name) continue;
    const kind = from.configMapRef ? 'configmap' : 'secret';
    const entries = sourceEntries(ctx.sources, kind, ns, ref.name);
    if (!entries) {
      if (ref.optional) continue;
      throw new PodConfigError(`${kind} "${ref.name}" not found`);
    }
    for (const [k, v] of entries) {
      // The kubelet skips keys that are not valid names (and says so in an event).
      if (ENV_NAME.test(prefix + k)) values.set(prefix + k, decoder.decode(v));
    }
  }
  for (const e of container.env ?? []) {
    const value = valueOf(ctx, ns, e, (n) => values.get(n));
    if (value !== undefined) values.set(e.name, value);
  }
  return [...values].map(([name, value]) => ({ name, value }));
}

/** `command` and `args` with `$(VAR)` expanded against the resolved env. */
export function expandCommand(container: Container, env: readonly EnvPair[]): Container {
  const vars = new Map(env.map((e) => [e.name, e.value]));
  const lookup = (n: string) => vars.get(n);
  const expand = (xs: readonly string[] | undefined) => xs?.map((x) => expandVars(x, lookup));
  const command = expand(container.command);
  const args = expand(container.args);
  return { ...container, ...(command ? { command } : {}), ...(args ? { args } : {}) };
}

function valueOf(
  ctx: EnvContext,
  ns: string,
  e: EnvVar,
  lookup: (name: string) => string | undefined,
): string | undefined {
  if (!e.valueFrom) return expandVars(e.value ?? '', lookup);
  return fromSource(ctx, ns, e.name, e.valueFrom);
}

function fromSource(
  ctx: EnvContext,
  ns: string,
  name: string,
  src: EnvVarSource,
): string | undefined {
  const keyRef = src.configMapKeyRef ?? src.secretKeyRef;
  if (keyRef) {
    const isCm = Boolean(src.configMapKeyRef);
    const kind = isCm ? 'configmap' : 'secret';
    const entries = sourceEntries(ctx.sources, kind, ns, keyRef.name ?? '');
    if (!entries) {
      if (keyRef.optional) return undefined;
      throw new PodConfigError(`${kind} "${keyRef.name}" not found`);
    }
    const bytes = entries.get(keyRef.key);
    if (bytes === undefined) {
      if (keyRef.optional) return undefined;
      const what = isCm ? 'ConfigMap' : 'Secret';
      throw new PodConfigError(`couldn't find key ${keyRef.key} in ${what} ${ns}/${keyRef.name}`);
    }
    return decoder.decode(bytes);
  }
  if (src.fieldRef) return fieldValue(ctx, src.fieldRef.fieldPath, name);
  throw new PodConfigError(
    `env ${name}: only value, configMapKeyRef, secretKeyRef and fieldRef are supported`,
  );
}

function fieldValue(ctx: EnvContext, path: string, name: string): string {
  const meta = ctx.pod.metadata ?? {};
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (subscript) {
    const map = subscript[1] === 'labels' ? meta.labels : meta.annotations;
    return map?.[subscript[2]] ?? '';
  }
  switch (path) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? 'default';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'spec.nodeName':
      return ctx.pod.spec?.nodeName ?? ctx.nodeName;
    case 'spec.serviceAccountName':
      return ctx.pod.spec?.serviceAccountName ?? 'default';
    case 'status.podIP':
    case 'status.podIPs':
      return ctx.podIp;
    case 'status.hostIP':
    case 'status.hostIPs':
      return ctx.hostIp;
  }
  throw new PodConfigError(`env ${name}: fieldRef.fieldPath: Unsupported value: "${path}"`);
}

/** The downward API's `key="value"` lines, sorted. */
function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(m![k])}`)
    .join('\n');
}
