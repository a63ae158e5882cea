/**
 * A pod's volumes on the host, under `<dataDir>/pods/<uid>/volumes/<name>`: emptyDir as an empty
 * directory, configMap and secret as one file per key (or per `items` entry, with its mode),
 * hostPath only when the agent allows it. The container's volumeMounts become runtime mounts.
 * ConfigMap and Secret files are rewritten at each container start, so a restart sees updates.
 */
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import type { Container, KeyToPath, Pod, Volume } from 'kubernetes-types/core/v1.js';
import type { Mount } from '@wisp/core';
import { PodConfigError } from './pod-config-error.ts';
import { sourceEntries, type PodSources } from './pod-sources.ts';

export interface VolumeContext {
  readonly dataDir: string;
  readonly pod: Pod;
  readonly sources: PodSources;
  readonly allowHostPath: boolean;
}

/** Kubernetes' default file mode of projected keys. */
export const volumeFileModeDefault = 0o644;

export function podDir(dataDir: string, uid: string): string {
  return join(dataDir, 'pods', uid);
}

/** Creates every volume of the pod; resolves with each volume's host directory by name. */
export async function materialiseVolumes(ctx: VolumeContext): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const volumes = ctx.pod.spec?.volumes ?? [];
  for (const [i, v] of volumes.entries()) out.set(v.name, await materialise(ctx, v, i));
  return out;
}

async function materialise(ctx: VolumeContext, v: Volume, i: number): Promise<string> {
  const ns = ctx.pod.metadata?.namespace ?? 'default';
  const dir = join(podDir(ctx.dataDir, ctx.pod.metadata?.uid ?? ''), 'volumes', v.name);
  const field = `spec.volumes[${i}]`;
  if (v.hostPath) {
    if (!ctx.allowHostPath) {
      throw new PodConfigError(
        `${field}.hostPath: Forbidden: hostPath volumes are not allowed on this node ` +
          `(start the agent with --allow-host-path)`,
      );
    }
    if (v.hostPath.type === 'DirectoryOrCreate') await mkdir(v.hostPath.path, { recursive: true });
    return v.hostPath.path;
  }
  if (v.emptyDir) {
    await mkdir(dir, { recursive: true, mode: 0o777 });
    return dir;
  }
  if (v.configMap || v.secret) {
    const isCm = Boolean(v.configMap);
    const name = (isCm ? v.configMap?.name : v.secret?.secretName) ?? '';
    const kind = isCm ? 'configmap' : 'secret';
    const found = sourceEntries(ctx.sources, kind, ns, name);
    const optional = (isCm ? v.configMap?.optional : v.secret?.optional) ?? false;
    if (!found && !optional) throw new PodConfigError(`${kind} "${name}" not found`);
    const entries = found ?? new Map<string, Uint8Array>();
    const src = isCm ? v.configMap! : v.secret!;
    await writeKeys(dir, entries, src.items, src.defaultMode ?? volumeFileModeDefault, field);
    return dir;
  }
  throw new PodConfigError(
    `${field}: Unsupported volume type: only emptyDir, configMap, secret and hostPath are supported`,
  );
}

async function writeKeys(
  dir: string,
  entries: Map<string, Uint8Array>,
  items: readonly KeyToPath[] | undefined,
  defaultMode: number,
  field: string,
): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const files = items
    ? items.map((it) => ({ key: it.key, path: it.path, mode: it.mode ?? defaultMode }))
    : [...entries.keys()].map((key) => ({ key, path: key, mode: defaultMode }));
  for (const [j, f] of files.entries()) {
    const bytes = entries.get(f.key);
    if (bytes === undefined) {
      throw new PodConfigError(`${field}.items[${j}].key: Not found: "${f.key}"`);
    }
    const rel = normalize(f.path);
    if (isAbsolute(rel) || rel.split('/').includes('..')) {
      throw new PodConfigError(`${field}.items[${j}].path: Invalid value: "${f.path}"`);
    }
    const file = join(dir, rel);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, bytes, { mode: f.mode });
    await chmod(file, f.mode);
  }
}

/** The container's volumeMounts as runtime mounts; configMap and secret mounts are read-only. */
export function mountsOf(
  pod: Pod,
  container: Container,
  hostDirs: ReadonlyMap<string, string>,
): Mount[] {
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  return (container.volumeMounts ?? []).map((m, i) => {
    const host = hostDirs.get(m.name);
    const v = volumes.get(m.name);
    if (!host || !v) {
      throw new PodConfigError(`volumeMounts[${i}].name: Not found: "${m.name}"`);
    }
    const sub = m.subPath ? normalize(m.subPath) : '';
    if (isAbsolute(sub) || sub.split('/').includes('..')) {
      throw new PodConfigError(`volumeMounts[${i}].subPath: Invalid value: "${m.subPath}"`);
    }
    const projected = Boolean(v.configMap || v.secret);
    return {
      containerPath: m.mountPath,
      hostPath: sub ? join(host, sub) : host,
      readOnly: (m.readOnly ?? false) || projected,
    };
  });
}

/** Deletes the pod's volumes and logs once the pod is gone. */
export async function removePodDir(dataDir: string, uid: string): Promise<void> {
  await rm(podDir(dataDir, uid), { recursive: true, force: true });
}
