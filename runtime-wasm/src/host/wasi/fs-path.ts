/**
 * Resolves a guest path against a descriptor without leaving its preopen root: absolute paths
 * and `..` above the root are refused lexically, then symlinks are resolved with realpath and
 * the result must still lie under the (real) root. Another process swapping a symlink between
 * the check and the use is not defended against (no openat2/RESOLVE_BENEATH from Node).
 */
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

export function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function lexical(root: string, base: string, path: string): string {
  if (path.length === 0) throw 'no-entry';
  if (path.includes('\0')) throw 'invalid';
  if (path.startsWith('/')) throw 'not-permitted';
  const rel = relative(root, base);
  const segments = rel === '' ? [] : rel.split(sep);
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) throw 'not-permitted';
      segments.pop();
    } else segments.push(segment);
  }
  return join(root, ...segments);
}

function realOrMissing(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw 'not-directory';
    if (code === 'ELOOP') throw 'loop';
    throw 'io';
  }
}

/**
 * The host path for `path` under `base` (both inside `root`, which is a realpath).
 * `follow` decides whether a final symlink is followed; intermediate ones always are.
 */
export function resolveBeneath(root: string, base: string, path: string, follow: boolean): string {
  const candidate = lexical(root, base, path);
  if (candidate === root) return root;
  const parent = realOrMissing(dirname(candidate));
  if (parent === undefined) throw 'no-entry';
  if (!within(root, parent)) throw 'not-permitted';
  const direct = join(parent, basename(candidate));
  if (!follow) return direct;
  const real = realOrMissing(direct);
  if (real !== undefined) {
    if (!within(root, real)) throw 'not-permitted';
    return real;
  }
  return danglingTarget(root, parent, direct);
}

/** A final symlink whose target does not exist yet (open with create would make it). */
function danglingTarget(root: string, parent: string, direct: string): string {
  let isLink: boolean;
  try {
    isLink = lstatSync(direct).isSymbolicLink();
  } catch {
    return direct;
  }
  if (!isLink) return direct;
  const target = resolve(parent, readlinkSync(direct));
  if (!within(root, target)) throw 'not-permitted';
  const targetParent = realOrMissing(dirname(target));
  if (targetParent === undefined) throw 'no-entry';
  if (!within(root, targetParent)) throw 'not-permitted';
  return join(targetParent, basename(target));
}
