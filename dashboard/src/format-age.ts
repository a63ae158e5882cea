/**
 * Ages as kubectl prints them: `45s`, `12m`, `3h`, `2d`; a timestamp in the future (clock skew
 * between the browser and the control plane) shows as `0s`.
 */

export function formatAge(sinceIso: string | undefined, nowMs: number): string {
  if (!sinceIso) return '';
  const then = Date.parse(sinceIso);
  if (Number.isNaN(then)) return '';
  const s = Math.max(0, Math.floor((nowMs - then) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}
