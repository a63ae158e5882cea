import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDurationMs, parseSchedule } from './cron-schedule.ts';
import { mostRecentScheduleTime, nextScheduleDelayMs, nextScheduleTime } from './schedule-times.ts';

const T0 = Date.UTC(2025, 0, 1, 0, 0, 0);
const MIN = 60_000;

describe('parseSchedule', () => {
  it('finds the next activation strictly after the given time', () => {
    const s = parseSchedule('*/5 * * * *');
    assert.equal(s.next(T0), T0 + 5 * MIN);
    assert.equal(s.next(T0 + 1), T0 + 5 * MIN);
    assert.equal(s.next(T0 + 5 * MIN), T0 + 10 * MIN);
  });

  it('reads the schedule in spec.timeZone, and a TZ= prefix over it', () => {
    assert.equal(parseSchedule('0 9 * * *', 'America/New_York').next(T0), Date.UTC(2025, 0, 1, 14));
    const prefixed = parseSchedule('TZ=Asia/Tokyo 0 9 * * *', 'America/New_York');
    assert.equal(prefixed.next(T0), Date.UTC(2025, 0, 2, 0));
  });

  it('knows the descriptors and @every', () => {
    assert.equal(parseSchedule('@hourly').next(T0), T0 + 60 * MIN);
    assert.equal(parseSchedule('@midnight').next(T0), T0 + 24 * 60 * MIN);
    assert.equal(parseSchedule('@every 1h30m').next(T0 + 500), T0 + 90 * MIN);
    assert.equal(parseSchedule('@every 10ms').next(T0), T0 + 1000, 'at least a second');
    assert.equal(parseDurationMs('1.5h'), 90 * MIN);
  });

  it('refuses what robfig/cron refuses, saying why', () => {
    assert.throws(() => parseSchedule('0 * * * * *'), {
      code: 'ERR_INVALID',
      message: 'expected exactly 5 fields, found 6: [0 * * * * *]',
    });
    assert.throws(() => parseSchedule('@fortnightly'), {
      message: 'unrecognized descriptor: @fortnightly',
    });
    assert.throws(() => parseSchedule('* * * * *', 'Mars/Olympus'), {
      message: 'provided bad location Mars/Olympus: unknown time zone Mars/Olympus',
    });
    assert.throws(() => parseSchedule('61 * * * *'), { code: 'ERR_INVALID' });
    assert.throws(() => parseSchedule('@every soon'), { code: 'ERR_INVALID' });
  });
});

describe('schedule times', () => {
  const every5 = parseSchedule('*/5 * * * *');

  it('has nothing due before the first activation after creation', () => {
    const state = { createdMs: T0 };
    assert.deepEqual(mostRecentScheduleTime(state, T0 + MIN, every5, true), {
      earliestMs: T0,
      missed: 'none',
    });
    assert.equal(nextScheduleDelayMs(state, T0 + MIN, every5), 4 * MIN + 100);
  });

  it('picks the latest due activation after the last run', () => {
    const state = { createdMs: T0, lastScheduleMs: T0 + 5 * MIN };
    const due = nextScheduleTime(state, T0 + 17 * MIN, every5);
    assert.deepEqual(due, { timeMs: T0 + 15 * MIN, missed: 'few' });
    assert.equal(nextScheduleDelayMs(state, T0 + 17 * MIN, every5), 3 * MIN + 100);
  });

  it('only looks back startingDeadlineSeconds', () => {
    const state = { createdMs: T0, startingDeadlineSeconds: 60 };
    assert.equal(nextScheduleTime(state, T0 + 5 * MIN + 30_000, every5).timeMs, T0 + 5 * MIN);
    assert.equal(nextScheduleTime(state, T0 + 6 * MIN + 1000, every5).timeMs, undefined);
  });

  it('calls more than a hundred missed activations many', () => {
    const state = { createdMs: T0 };
    const due = nextScheduleTime(state, T0 + 24 * 60 * MIN + 1000, parseSchedule('* * * * *'));
    assert.deepEqual(due, { timeMs: T0 + 24 * 60 * MIN, missed: 'many' });
  });
});
