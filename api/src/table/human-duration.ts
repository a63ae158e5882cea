/**
 * Ages as kubectl prints them (apimachinery's `duration.HumanDuration`): exact seconds under two
 * minutes, then ever coarser pairs of units, so `AGE` columns line up with what users know.
 */
const SECOND_MS = 1000;
const MINUTE_S = 60;
const HOUR_S = 60 * MINUTE_S;
const DAY_H = 24;
const YEAR_D = 365;

function pair(big: number, bigUnit: string, small: number, smallUnit: string): string {
  return small === 0 ? `${big}${bigUnit}` : `${big}${bigUnit}${small}${smallUnit}`;
}

/** `5s`, `3m2s`, `15m`, `4h5m`, `2d3h`, `30d`, `2y10d`, `9y`. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND_MS);
  // Up to two seconds in the future is clock skew between machines, not an error.
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 2 * MINUTE_S) return `${seconds}s`;
  const minutes = Math.floor(seconds / MINUTE_S);
  if (minutes < 10) return pair(minutes, 'm', seconds % MINUTE_S, 's');
  if (minutes < 3 * 60) return `${minutes}m`;
  const hours = Math.floor(seconds / HOUR_S);
  if (hours < 8) return pair(hours, 'h', minutes % 60, 'm');
  if (hours < 2 * DAY_H) return `${hours}h`;
  const days = Math.floor(hours / DAY_H);
  if (days < 8) return pair(days, 'd', hours % DAY_H, 'h');
  if (days < 2 * YEAR_D) return `${days}d`;
  const years = Math.floor(days / YEAR_D);
  if (days < 8 * YEAR_D) return pair(years, 'y', days % YEAR_D, 'd');
  return `${years}y`;
}

/** Age of an RFC 3339 timestamp at `now`; `<unknown>` for a missing or unreadable one. */
export function since(timestamp: string | null | undefined, now: number): string {
  if (!timestamp) return '<unknown>';
  const at = Date.parse(timestamp);
  return Number.isNaN(at) ? '<unknown>' : humanDuration(now - at);
}
