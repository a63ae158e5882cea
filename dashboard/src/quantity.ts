/**
 * Kubernetes quantities as plain numbers for display: `250m` → 0.25 (cores), `64Mi` → 67108864
 * (bytes). The dashboard only sums and prints them, so float precision is plenty; the exact
 * parser lives in `@wisp/api` and is not worth its bundle bytes here.
 */

const suffixes: Readonly<Record<string, number>> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a quantity, or 0 when it is missing or not one. */
export function quantityValue(q: string | number | undefined): number {
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+)(?:[eE]([+-]?[0-9]+))?([a-zA-Z]*)$/.exec((q ?? '').trim());
  if (!m) return 0;
  const factor = suffixes[m[3]];
  if (factor === undefined) return 0;
  return Number(m[1]) * 10 ** Number(m[2] ?? 0) * factor;
}

export function formatCores(cores: number): string {
  return cores < 1 ? `${Math.round(cores * 1000)}m` : `${Number(cores.toFixed(2))}`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'Ki', 'Mi', 'Gi', 'Ti'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number(v.toFixed(1))}${units[i]}`;
}
