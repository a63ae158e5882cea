import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cronScheduleProblem } from './cron-schedule.ts';

describe('cronScheduleProblem', () => {
  it('accepts the usual five-field forms, names and descriptors', () => {
    for (const ok of [
      '* * * * *',
      '*/5 * * * *',
      '0 0 1 1 *',
      '0 9-17/2 * * mon-fri',
      '15,45 * ? JAN,jul SUN',
      '@hourly',
      '@every 1h30m',
      'TZ=UTC 0 * * * *',
    ]) {
      assert.equal(cronScheduleProblem(ok), undefined, ok);
    }
  });

  it('words its errors as the robfig/cron parser does', () => {
    const cases: [string, string][] = [
      ['', 'empty spec string'],
      ['* * *', 'expected exactly 5 fields, found 3: [* * *]'],
      ['60 * * * *', 'end of range (60) above maximum (59): 60'],
      ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
      ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
      ['*/0 * * * *', 'step of range should be a positive number: */0'],
      ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
      ['*/2/3 * * * *', 'too many slashes: */2/3'],
      ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
      ['-1 * * * *', 'failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
      ['* * * * 7', 'end of range (7) above maximum (6): 7'],
      ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
      ['@every soon', 'failed to parse duration @every soon: time: invalid duration "soon"'],
    ];
    for (const [schedule, problem] of cases)
      assert.equal(cronScheduleProblem(schedule), problem, schedule);
  });
});
