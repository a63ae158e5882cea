/**
 * RFC 6901 JSON pointers: `/spec/containers/0/image`, with `~1` for `/` and `~0` for `~`.
 */
import { PatchError } from './patch-error.ts';

/** Splits a pointer into unescaped reference tokens; `''` (the whole document) gives `[]`. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new PatchError(
      'ERR_INVALID',
      `JSON pointer ${JSON.stringify(pointer)} must start with /`,
    );
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~(?![01])/.test(token)) {
        const msg = `JSON pointer ${JSON.stringify(pointer)} has an invalid ~ escape`;
        throw new PatchError('ERR_INVALID', msg);
      }
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

export function formatJsonPointer(tokens: readonly string[]): string {
  return tokens.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * An array index token: decimal digits without leading zeros. `-` (one past the end) is only
 * meaningful to `add`, so callers decide; this returns `undefined` for anything else.
 */
export function arrayIndexOf(token: string): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const n = Number(token);
  return Number.isSafeInteger(n) ? n : undefined;
}
