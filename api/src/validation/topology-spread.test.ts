import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { formatFieldError } from './field-error.ts';
import { validatePodSpec } from './pod-spec.ts';

const base = {
  containers: [
    {
      name: 'app',
      image: 'registry.local/app:1',
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePolicy: 'File',
    },
  ],
  restartPolicy: 'Always',
  dnsPolicy: 'ClusterFirst',
};
const good: TopologySpreadConstraint = {
  maxSkew: 1,
  topologyKey: 'kubernetes.io/hostname',
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: { app: 'web' } },
};

function errors(...constraints: object[]): string[] {
  const spec = {
    ...base,
    topologySpreadConstraints: constraints as unknown as TopologySpreadConstraint[],
  };
  return validatePodSpec(spec, 'spec').map(formatFieldError);
}

describe('validateTopologySpreadConstraints', () => {
  it('accepts a complete constraint and one with every optional field', () => {
    assert.deepEqual(errors(good), []);
    const full = {
      ...good,
      minDomains: 3,
      nodeAffinityPolicy: 'Ignore',
      nodeTaintsPolicy: 'Honor',
      matchLabelKeys: ['pod-template-hash'],
    };
    assert.deepEqual(errors(full), []);
  });

  it('names the field of each bad value', () => {
    const bad = {
      maxSkew: 0,
      topologyKey: '',
      whenUnsatisfiable: 'Sometimes',
      nodeAffinityPolicy: 'Maybe',
      labelSelector: { matchExpressions: [{ key: 'app', operator: 'Near', values: ['x'] }] },
    };
    const c = 'spec.topologySpreadConstraints[0]';
    assert.deepEqual(errors(bad), [
      `${c}.maxSkew: Invalid value: 0: must be greater than zero`,
      `${c}.topologyKey: Required value: can not be empty`,
      `${c}.whenUnsatisfiable: Unsupported value: "Sometimes": supported values: ` +
        '"DoNotSchedule", "ScheduleAnyway"',
      `${c}.nodeAffinityPolicy: Unsupported value: "Maybe": supported values: "Honor", "Ignore"`,
      `${c}.labelSelector.matchExpressions[0].operator: Invalid value: "Near": ` +
        'not a valid selector operator',
    ]);
  });

  it('allows minDomains only as a positive number with DoNotSchedule', () => {
    const c = 'spec.topologySpreadConstraints[0].minDomains';
    assert.deepEqual(errors({ ...good, minDomains: 0 }), [
      `${c}: Invalid value: 0: must be greater than zero`,
    ]);
    assert.deepEqual(errors({ ...good, whenUnsatisfiable: 'ScheduleAnyway', minDomains: 2 }), [
      `${c}: Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule, ` +
        'not ScheduleAnyway',
    ]);
  });

  it('refuses two constraints on the same key and action', () => {
    assert.deepEqual(errors(good, { ...good, maxSkew: 2 }), [
      'spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: ' +
        '"{kubernetes.io/hostname, DoNotSchedule}"',
    ]);
    assert.deepEqual(errors(good, { ...good, whenUnsatisfiable: 'ScheduleAnyway' }), []);
  });

  it('wants matchLabelKeys beside a labelSelector that does not already use them', () => {
    const c = 'spec.topologySpreadConstraints[0].matchLabelKeys';
    assert.deepEqual(errors({ ...good, labelSelector: undefined, matchLabelKeys: ['hash'] }), [
      `${c}: Forbidden: must not be specified when labelSelector is not set`,
    ]);
    assert.deepEqual(errors({ ...good, matchLabelKeys: ['app'] }), [
      `${c}[0]: Invalid value: "app": exists in both matchLabelKeys and labelSelector`,
    ]);
  });
});
