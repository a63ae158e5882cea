/**
 * Pod volumes: unique DNS-label names, exactly one source each, and the sources Wisp's
 * runtimes use checked in detail.
 */
import type { Volume } from 'kubernetes-types/core/v1.js';
import { validateDNS1123Label } from './common.ts';
import {
  duplicate,
  forbidden,
  invalid,
  notSupported,
  required,
  type FieldError,
} from './field-error.ts';
import { isSet, list, record, str } from './helpers.ts';
import { child, index } from './path.ts';
import { validateQuantity } from './resources.ts';

/** Every kind of volume source, in the order Kubernetes checks them. */
export const volumeSources = [
  'emptyDir',
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
] as const;

const hostPathTypes = [
  '',
  'BlockDevice',
  'CharDevice',
  'Directory',
  'DirectoryOrCreate',
  'File',
  'FileOrCreate',
  'Socket',
];

export const fileModeMax = 0o777;
const fileModeMessage = 'must be a number between 0 and 0777 (octal), both inclusive';

type SourceCheck = (src: Record<string, unknown>, path: string) => FieldError[];

const sourceChecks: Partial<Record<(typeof volumeSources)[number], SourceCheck>> = {
  hostPath: (s, p) => {
    const errs = str(s.path)
      ? noBacksteps(str(s.path), child(p, 'path'))
      : [required(child(p, 'path'))];
    const type = s.type ?? '';
    if (typeof type !== 'string' || !hostPathTypes.includes(type)) {
      errs.push(notSupported(child(p, 'type'), type, hostPathTypes));
    }
    return errs;
  },
  emptyDir: (s, p) =>
    isSet(s.sizeLimit) ? validateQuantity(s.sizeLimit, child(p, 'sizeLimit')).errs : [],
  secret: (s, p) => [
    ...(str(s.secretName) ? [] : [required(child(p, 'secretName'))]),
    ...fileMode(s.defaultMode, child(p, 'defaultMode')),
    ...keyToPaths(s.items, child(p, 'items')),
  ],
  configMap: (s, p) => [
    ...(str(s.name) ? [] : [required(child(p, 'name'))]),
    ...fileMode(s.defaultMode, child(p, 'defaultMode')),
    ...keyToPaths(s.items, child(p, 'items')),
  ],
  persistentVolumeClaim: (s, p) => (str(s.claimName) ? [] : [required(child(p, 'claimName'))]),
  downwardAPI: (s, p) => [
    ...fileMode(s.defaultMode, child(p, 'defaultMode')),
    ...list(s.items).flatMap((item, i) =>
      localPath(str(record(item).path), child(index(child(p, 'items'), i), 'path')),
    ),
  ],
  projected: (s, p) => fileMode(s.defaultMode, child(p, 'defaultMode')),
};

function fileMode(mode: unknown, path: string): FieldError[] {
  if (mode === undefined || mode === null) return [];
  if (typeof mode !== 'number' || mode < 0 || mode > fileModeMax) {
    return [invalid(path, mode, fileModeMessage)];
  }
  return [];
}

function noBacksteps(p: string, path: string): FieldError[] {
  return p.split(/[\\/]/).includes('..') ? [invalid(path, p, "must not contain '..'")] : [];
}

/** A path inside a volume: relative, no `..` element, not starting with `..`. */
export function localPath(p: string, path: string): FieldError[] {
  if (!p) return [required(path)];
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(invalid(path, p, 'must be a relative path'));
  errs.push(...noBacksteps(p, path));
  if (p.startsWith('..')) errs.push(invalid(path, p, "must not start with '..'"));
  return errs;
}

function keyToPaths(items: unknown, path: string): FieldError[] {
  return list(items).flatMap((raw, i) => {
    const item = record(raw);
    const at = index(path, i);
    return [
      ...(str(item.key) ? [] : [required(child(at, 'key'))]),
      ...localPath(str(item.path), child(at, 'path')),
      ...fileMode(item.mode, child(at, 'mode')),
    ];
  });
}

function validateSource(v: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const source of volumeSources) {
    if (!isSet(v[source])) continue;
    if (count++ > 0) {
      errs.push(forbidden(child(path, source), 'may not specify more than 1 volume type'));
      continue;
    }
    errs.push(...(sourceChecks[source]?.(record(v[source]), child(path, source)) ?? []));
  }
  if (count === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

/** Errors, and the names later volumeMounts may refer to. */
export function validateVolumes(
  volumes: readonly Volume[] | undefined,
  path: string,
): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list(volumes).forEach((vol, i) => {
    const at = index(path, i);
    const name = str(vol?.name);
    if (!name) errs.push(required(child(at, 'name')));
    else errs.push(...validateDNS1123Label(name, child(at, 'name')));
    if (names.has(name)) errs.push(duplicate(child(at, 'name'), name));
    else if (name) names.add(name);
    errs.push(...validateSource(record(vol), at));
  });
  return { errs, names };
}
