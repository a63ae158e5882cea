/**
 * When a CronJob should have run, as upstream's `mostRecentScheduleTime`, `nextScheduleTime` and
 * `nextScheduleTimeDuration`: the latest activation between the last run (or creation) and now,
 * within `startingDeadlineSeconds`; how many were missed, roughly (more than 100 is "many");
 * and how long to wait for the next one, plus 100 ms so a slightly early wake-up still finds it.
 */
import type { CronSchedule } from './cron-schedule.ts';
import { ScheduleError } from './cron-schedule.ts';

export type Missed = 'none' | 'few' | 'many';

/** Beyond this many missed activations the controller warns instead of catching up. */
export const MISSED_SCHEDULES_MANY = 100;
/** Added to every wait for the next activation, against clock skew. */
export const NEXT_SCHEDULE_DELTA_MS = 100;
/** A bound on the walk to the most recent activation (the estimate keeps it short). */
const WALK_STEPS_MAX = 10_000;

export interface ScheduleState {
  readonly createdMs: number;
  readonly lastScheduleMs?: number;
  readonly startingDeadlineSeconds?: number;
}

export interface MostRecent {
  readonly earliestMs: number;
  readonly mostRecentMs?: number;
  readonly missed: Missed;
}

export function mostRecentScheduleTime(
  state: ScheduleState,
  nowMs: number,
  schedule: CronSchedule,
  withStartingDeadline: boolean,
): MostRecent {
  let earliestMs = state.lastScheduleMs ?? state.createdMs;
  const deadline = state.startingDeadlineSeconds;
  if (withStartingDeadline && deadline !== undefined && deadline !== null) {
    earliestMs = Math.max(earliestMs, nowMs - deadline * 1000);
  }
  const t1 = schedule.next(earliestMs);
  const t2 = schedule.next(t1);
  if (nowMs < t1) return { earliestMs, missed: 'none' };
  if (nowMs < t2) return { earliestMs, mostRecentMs: t1, missed: 'none' };
  const betweenS = Math.round((t2 - t1) / 1000);
  if (betweenS < 1) {
    throw new ScheduleError('time difference between two schedules is less than 1 second');
  }
  const elapsedS = Math.trunc((nowMs - t1) / 1000);
  const missedCount = Math.trunc(elapsedS / betweenS) + 1;
  // Estimate where the last activations are, then let the schedule find them exactly.
  let t = schedule.next(t1 + (missedCount - 2) * betweenS * 1000);
  let mostRecentMs: number | undefined;
  for (let steps = 0; t <= nowMs && steps < WALK_STEPS_MAX; steps++) {
    mostRecentMs = t;
    t = schedule.next(t);
  }
  const missed: Missed = missedCount > MISSED_SCHEDULES_MANY ? 'many' : 'few';
  return { earliestMs, mostRecentMs, missed };
}

/** The activation to run now, if one is due. */
export function nextScheduleTime(
  state: ScheduleState,
  nowMs: number,
  schedule: CronSchedule,
): { readonly timeMs?: number; readonly missed: Missed } {
  const r = mostRecentScheduleTime(state, nowMs, schedule, true);
  if (r.mostRecentMs === undefined || r.mostRecentMs > nowMs) return { missed: r.missed };
  return { timeMs: r.mostRecentMs, missed: r.missed };
}

/** How long until the next activation is due, from now. */
export function nextScheduleDelayMs(
  state: ScheduleState,
  nowMs: number,
  schedule: CronSchedule,
): number {
  let baseMs = nowMs;
  try {
    const r = mostRecentScheduleTime(state, nowMs, schedule, false);
    if (r.mostRecentMs !== undefined) baseMs = r.mostRecentMs;
    else if (r.missed === 'none') baseMs = r.earliestMs;
  } catch {
    // A schedule that never advances: aim for the next slot after now.
  }
  return Math.max(0, schedule.next(baseMs) + NEXT_SCHEDULE_DELTA_MS - nowMs);
}
