/**
 * maxSurge and maxUnavailable resolved against the desired replica count, as upstream does it:
 * numbers stand as they are; percentages scale, surge rounding up and unavailability down, and
 * when both come to zero one pod may be unavailable so the rollout can still move.
 */
import { WispError } from '@wisp/core';
import { desiredReplicas, isRollingUpdate } from './types.ts';
import type { DeploymentObject } from './types.ts';

/** A maxSurge or maxUnavailable that is neither a number nor a percentage. */
export class InvalidFencepostError extends WispError {
  constructor(field: string, value: unknown) {
    super(
      'ERR_INVALID',
      `${field}: Invalid value: ${JSON.stringify(value)}: ` +
        "must be an integer or percentage (e.g '5%')",
    );
  }
}

/** An int-or-string field: `3` or `'25%'`. */
export type IntOrString = number | string;

const percentShape = /^(\d+)%$/;

/** An IntOrString scaled against `total`: `25%` of 10 is 3 rounding up, 2 rounding down. */
export function scaledValue(
  value: IntOrString | undefined,
  total: number,
  roundUp: boolean,
  field: string,
): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const m = percentShape.exec(value);
  if (!m) {
    // Upstream accepts a plain integer written as a string.
    if (/^\d+$/.test(value)) return Number(value);
    throw new InvalidFencepostError(field, value);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export interface Fenceposts {
  readonly surge: number;
  readonly unavailable: number;
}

export function resolveFenceposts(
  maxSurge: IntOrString | undefined,
  maxUnavailable: IntOrString | undefined,
  desired: number,
): Fenceposts {
  const path = 'spec.strategy.rollingUpdate';
  const surge = scaledValue(maxSurge, desired, true, `${path}.maxSurge`);
  let unavailable = scaledValue(maxUnavailable, desired, false, `${path}.maxUnavailable`);
  // Rounding down can leave both at zero; one unavailable pod keeps the rollout moving.
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

function deploymentFenceposts(d: DeploymentObject): Fenceposts {
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge ?? '25%', ru?.maxUnavailable ?? '25%', desiredReplicas(d));
}

/** How many pods above `spec.replicas` a rolling update may run. */
export function maxSurge(d: DeploymentObject): number {
  return isRollingUpdate(d) ? deploymentFenceposts(d).surge : 0;
}

/** How many of `spec.replicas` may be unavailable during a rolling update. */
export function maxUnavailable(d: DeploymentObject): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(deploymentFenceposts(d).unavailable, desired);
}
