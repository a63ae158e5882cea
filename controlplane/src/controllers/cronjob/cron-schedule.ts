/**
 * CronJob schedules as kube-controller-manager reads them (robfig/cron's standard parser):
 * exactly five fields, the descriptors `@yearly` .. `@hourly` and `@every <duration>`, in
 * `spec.timeZone` (UTC when unset: a fleet's devices do not share a local zone). A legacy
 * `TZ=` / `CRON_TZ=` prefix in the schedule wins over `spec.timeZone`, as upstream.
 * Field matching is cron-parser's, which also accepts a few extensions (`L`, `#`) that the
 * apiserver's validation refuses before they get here.
 *
 *   const s = parseSchedule('*\/5 * * * *', 'Europe/Berlin');
 *   s.next(clock.now()); // epoch ms of the next run, strictly after
 */
import { CronExpressionParser } from 'cron-parser';
import { WispError } from '@wisp/core';

export interface CronSchedule {
  /** The first activation strictly after `afterMs` (Infinity if there is none). */
  next(afterMs: number): number;
}

/** A schedule or time zone that cannot be used; the message says why, as robfig/cron does. */
export class ScheduleError extends WispError {
  constructor(message: string) {
    super('ERR_INVALID', message);
  }
}

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function parseSchedule(schedule: string, timeZone?: string): CronSchedule {
  let expr = schedule.trim();
  let tz = timeZone ?? 'UTC';
  const prefixed = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(expr);
  if (prefixed) {
    tz = prefixed[1];
    expr = prefixed[2].trim();
  }
  if (!isValidTimeZone(tz)) {
    throw new ScheduleError(`provided bad location ${tz}: unknown time zone ${tz}`);
  }
  if (expr.startsWith('@every ')) return everySchedule(expr.slice('@every '.length).trim());
  if (expr.startsWith('@')) {
    const fields = DESCRIPTORS[expr];
    if (!fields) throw new ScheduleError(`unrecognized descriptor: ${expr}`);
    expr = fields;
  }
  const fields = expr.split(/\s+/);
  if (fields.length !== 5) {
    throw new ScheduleError(
      `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`,
    );
  }
  let parsed: ReturnType<typeof CronExpressionParser.parse>;
  try {
    parsed = CronExpressionParser.parse(expr, { tz, currentDate: new Date(0) });
  } catch (e) {
    throw new ScheduleError(e instanceof Error ? e.message : String(e));
  }
  return {
    next(afterMs) {
      parsed.reset(new Date(afterMs));
      try {
        return parsed.next().getTime();
      } catch {
        return Infinity;
      }
    },
  };
}

/** `@every 1h30m`: a fixed delay, whole seconds, at least one, counted from whole seconds. */
function everySchedule(text: string): CronSchedule {
  const delayMs = parseDurationMs(text);
  const stepMs = Math.max(1000, Math.floor(delayMs / 1000) * 1000);
  return { next: (afterMs) => Math.floor(afterMs / 1000) * 1000 + stepMs };
}

/** A Go duration (`90s`, `1h30m`, `1.5h`), in milliseconds. */
export function parseDurationMs(text: string): number {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * DURATION_UNITS_MS[m[2]];
    matched = re.lastIndex;
  }
  if (text === '' || matched !== text.length) {
    throw new ScheduleError(
      `failed to parse duration @every ${text}: time: invalid duration "${text}"`,
    );
  }
  return total;
}
