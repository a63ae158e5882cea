/** Parses Go-style durations as Kubernetes flags take them: `500ms`, `2s`, `5m`, `1h30m`. */
import { UsageError } from './flags.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDurationMs(text: string, flag: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== text.length) {
    throw new UsageError(`--${flag}: invalid duration "${text}" (use e.g. 30s, 5m, 1h)`);
  }
  return total;
}
