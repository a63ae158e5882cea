/**
 * The Job controller (with ttlSecondsAfterFinished), and the admission plugin that generates a
 * Job's selector and labels on create as kube-apiserver's job strategy does.
 *
 *   createRegistry({}, { store, clock, random, admission: [jobSelectorAdmission] });
 *   const jobs = createJobController({}, { registry, informers, clock, random, events });
 */
export { JOBS, createJobController } from './job-controller.ts';
export type { JobControllerInit } from './job-controller.ts';
export { jobSelectorAdmission, generateSelector } from './job-labels.ts';
