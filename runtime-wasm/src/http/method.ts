/** wasi:http `method` and `scheme` variants ↔ the strings node:http and policies use. */
import { isValidFieldName } from './fields.ts';

export type Method = { tag: string; val?: string };
export type Scheme = { tag: 'HTTP' } | { tag: 'HTTPS' } | { tag: 'other'; val: string };

const knownMethods = new Set([
  'get',
  'head',
  'post',
  'put',
  'delete',
  'connect',
  'options',
  'trace',
  'patch',
]);

export function methodFromString(method: string): Method {
  const lower = method.toLowerCase();
  if (knownMethods.has(lower) && method === method.toUpperCase()) return { tag: lower };
  return { tag: 'other', val: method };
}

export function methodToString(method: Method): string {
  if (method.tag === 'other') return method.val ?? '';
  return method.tag.toUpperCase();
}

/** Method names are tokens (RFC 9110 §9.1), the same grammar as field names. */
export function isValidMethod(method: Method): boolean {
  if (method.tag === 'other') return typeof method.val === 'string' && isValidFieldName(method.val);
  return knownMethods.has(method.tag);
}

export function isValidScheme(scheme: Scheme | undefined): boolean {
  if (scheme === undefined || scheme.tag !== 'other') return true;
  return /^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme.val);
}

/** wasmtime's default too: a request without a scheme goes out as https. */
export function schemeToString(scheme: Scheme | undefined): string {
  if (scheme === undefined || scheme.tag === 'HTTPS') return 'https';
  if (scheme.tag === 'HTTP') return 'http';
  return scheme.val.toLowerCase();
}

/** No whitespace or control characters; a path must not smuggle a second request line. */
export function isValidPathWithQuery(path: string | undefined): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  return path === undefined || /^[^\s\x00-\x1f\x7f]*$/.test(path);
}

export function isValidAuthority(authority: string | undefined): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  return authority === undefined || /^[^\s\x00-\x1f\x7f/?#@]*$/.test(authority);
}
