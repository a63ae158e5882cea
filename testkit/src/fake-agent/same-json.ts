/**
 * Deep equality of JSON values regardless of key order, so a status the agent computes is not
 * written again when the server already holds it.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((x, i) => sameJson(x, bs[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const other = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return keys.length === other.length && keys.every((k) => sameJson(ao[k], bo[k]));
}
