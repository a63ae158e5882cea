/**
 * The CronJob controller.
 *
 *   const cj = createCronJobController({}, { registry, informers, clock, random, events });
 */
export { CRONJOBS, createCronJobController } from './cronjob-controller.ts';
export type { CronJobControllerInit } from './cronjob-controller.ts';
export { parseSchedule } from './cron-schedule.ts';
