/**
 * ConfigMaps and Secrets: valid keys, a size cap, and the immutable flag.
 */
import type { ConfigMap, Secret } from 'kubernetes-types/core/v1.js';
import { isConfigMapKey } from '../names/misc.ts';
import { utf8Bytes } from '../names/messages.ts';
import { each, validateImmutable } from './common.ts';
import { forbidden, invalid, required, tooLong, type FieldError } from './field-error.ts';
import { deepEqual, record, str } from './helpers.ts';
import { key } from './path.ts';

/** 1 MiB, as Kubernetes' MaxSecretSize; it bounds ConfigMaps too. */
export const configDataBytesMax = 1024 * 1024;

const base64Shape = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Bytes a base64 string decodes to, or -1 when it is not base64. */
export function base64Bytes(s: string): number {
  if (!base64Shape.test(s)) return -1;
  const padding = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return (s.length / 4) * 3 - padding;
}

function validateKeys(map: Record<string, unknown>, path: string): FieldError[] {
  return Object.keys(map).flatMap((k) => each(k, key(path, k), isConfigMapKey));
}

function validateBinaryMap(
  map: Record<string, unknown>,
  path: string,
  redact: boolean,
): { errs: FieldError[]; bytes: number } {
  const errs: FieldError[] = [];
  let bytes = 0;
  for (const [k, v] of Object.entries(map)) {
    const n = base64Bytes(str(v));
    if (n < 0) {
      const shown = redact ? '<secret contents redacted>' : v;
      errs.push(invalid(key(path, k), shown, 'illegal base64 data'));
    } else bytes += n;
  }
  return { errs, bytes };
}

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const data = record(cm.data);
  const binary = record(cm.binaryData);
  const errs = [...validateKeys(data, 'data'), ...validateKeys(binary, 'binaryData')];
  let bytes = 0;
  for (const [k, v] of Object.entries(data)) {
    if (Object.hasOwn(binary, k)) {
      errs.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    }
    bytes += utf8Bytes(str(v));
  }
  const bin = validateBinaryMap(binary, 'binaryData', false);
  errs.push(...bin.errs);
  if (bytes + bin.bytes > configDataBytesMax) errs.push(tooLong('', configDataBytesMax));
  return errs;
}

const requiredKeysByType: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

function validateSecretType(secret: Secret, data: Record<string, unknown>): FieldError[] {
  const type = str(secret.type);
  if (type === 'kubernetes.io/service-account-token') {
    const name = record(secret.metadata?.annotations)['kubernetes.io/service-account.name'];
    return str(name)
      ? []
      : [required(key('metadata.annotations', 'kubernetes.io/service-account.name'))];
  }
  if (type === 'kubernetes.io/basic-auth') {
    if (Object.hasOwn(data, 'username') || Object.hasOwn(data, 'password')) return [];
    return [required(key('data', 'username')), required(key('data', 'password'))];
  }
  return (requiredKeysByType[type] ?? [])
    .filter((k) => !Object.hasOwn(data, k))
    .map((k) => required(key('data', k)));
}

export function validateSecret(secret: Secret): FieldError[] {
  const data = record(secret.data);
  const { errs, bytes } = validateBinaryMap(data, 'data', true);
  errs.unshift(...validateKeys(data, 'data'));
  if (bytes > configDataBytesMax) errs.push(tooLong('data', configDataBytesMax));
  errs.push(...validateSecretType(secret, data));
  return errs;
}

/** Once `immutable: true` is stored, the flag and the data stay as they are. */
function validateImmutableData(
  next: { immutable?: boolean },
  prev: { immutable?: boolean },
  fields: Record<string, [unknown, unknown]>,
): FieldError[] {
  if (prev.immutable !== true) return [];
  const msg = 'field is immutable when `immutable` is set';
  const errs: FieldError[] = [];
  if (next.immutable !== true) errs.push(forbidden('immutable', msg));
  for (const [f, [a, b]] of Object.entries(fields)) {
    if (!deepEqual(a, b)) errs.push(forbidden(f, msg));
  }
  return errs;
}

export function validateConfigMapUpdate(cm: ConfigMap, old: ConfigMap): FieldError[] {
  return validateImmutableData(cm, old, {
    data: [cm.data, old.data],
    binaryData: [cm.binaryData, old.binaryData],
  });
}

export function validateSecretUpdate(secret: Secret, old: Secret): FieldError[] {
  return [
    ...validateImmutable(secret.type ?? '', old.type ?? '', 'type'),
    ...validateImmutableData(secret, old, { data: [secret.data, old.data] }),
  ];
}
