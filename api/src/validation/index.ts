/**
 * Object validation with Kubernetes' rules and messages: `validate(info, obj, old?)` returns
 * field errors such as `{ field: 'spec.containers[0].image', message: 'Required value' }`.
 */
export * from './field-error.ts';
export * from './invalid-error.ts';
export * from './validate.ts';
export { cronScheduleProblem } from './cron-schedule.ts';
export { configDataBytesMax } from './config-data.ts';
