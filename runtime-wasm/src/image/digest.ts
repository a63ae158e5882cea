/**
 * `sha256:<64 hex>` content digests: the only algorithm Wisp accepts, so a digest names exactly
 * one cache file and there is no weaker hash to downgrade to.
 */
import { createHash } from 'node:crypto';

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

export function isDigest(s: string): boolean {
  return DIGEST_RE.test(s);
}

/** Why `s` is not a digest, or undefined if it is one. */
export function digestProblem(s: string): string | undefined {
  if (isDigest(s)) return undefined;
  const colon = s.indexOf(':');
  if (colon < 0) return 'must be "sha256:" followed by 64 lower-case hex digits';
  const algorithm = s.slice(0, colon);
  if (algorithm !== 'sha256') return `algorithm "${algorithm}" is not supported (only sha256)`;
  return 'must be "sha256:" followed by 64 lower-case hex digits';
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The hex part: the cache file name. */
export function digestHex(digest: string): string {
  return digest.slice('sha256:'.length);
}
