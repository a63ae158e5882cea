import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../meta.ts';
import { findKind } from '../resources.ts';
import { applyDefaults, imageTag } from './index.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function defaulted(apiVersion: string, kind: string, obj: Obj): Obj {
  const info = findKind(apiVersion, kind);
  assert.ok(info, kind);
  const copy = structuredClone({ apiVersion, kind, ...obj });
  applyDefaults(info, copy as KubeObject);
  return copy;
}

const meta = { name: 'web', namespace: 'default' };
const container = { name: 'app', image: 'registry.local/app:1.0' };
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } };

const defaultedContainer = {
  ...container,
  imagePullPolicy: 'IfNotPresent',
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  resources: {},
};

const defaultedPodSpec = {
  containers: [defaultedContainer],
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
  schedulerName: 'default-scheduler',
};

describe('applyDefaults', () => {
  it('fills a pod as Kubernetes does', () => {
    const pod = defaulted('v1', 'Pod', { metadata: meta, spec: { containers: [container] } });
    assert.deepEqual(pod.spec, { ...defaultedPodSpec, enableServiceLinks: true });
    assert.deepEqual(pod.status, { phase: 'Pending' });
  });

  it('pulls :latest and untagged images always, others if not present', () => {
    const pull = (image: string) =>
      defaulted('v1', 'Pod', { metadata: meta, spec: { containers: [{ name: 'a', image }] } }).spec
        .containers[0].imagePullPolicy;
    assert.equal(pull('nginx'), 'Always');
    assert.equal(pull('nginx:latest'), 'Always');
    assert.equal(pull('localhost:5000/nginx'), 'Always');
    assert.equal(pull('nginx:1.27'), 'IfNotPresent');
    assert.equal(pull('nginx@sha256:abc'), 'IfNotPresent');
    assert.equal(pull('https://blobs.local/app.wasm'), 'IfNotPresent');
    assert.equal(imageTag('localhost:5000/nginx:1'), '1');
  });

  it('defaults ports, probes, field refs and requests from limits', () => {
    const pod = defaulted('v1', 'Pod', {
      metadata: meta,
      spec: {
        containers: [
          {
            ...container,
            ports: [{ containerPort: 80 }],
            livenessProbe: { httpGet: { port: 80 } },
            env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
            resources: { limits: { cpu: '0.5', memory: '1024Mi' } },
          },
        ],
      },
    });
    const c = pod.spec.containers[0];
    assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
    assert.deepEqual(c.livenessProbe, {
      httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    assert.equal(c.env[0].valueFrom.fieldRef.apiVersion, 'v1');
    assert.deepEqual(c.resources, {
      limits: { cpu: '500m', memory: '1Gi' },
      requests: { cpu: '500m', memory: '1Gi' },
    });
  });

  it('gives volumes without a source an emptyDir and file modes 0644', () => {
    const pod = defaulted('v1', 'Pod', {
      metadata: meta,
      spec: {
        containers: [container],
        volumes: [{ name: 'a' }, { name: 'b', configMap: { name: 'cm' } }],
      },
    });
    assert.deepEqual(pod.spec.volumes, [
      { name: 'a', emptyDir: {} },
      { name: 'b', configMap: { name: 'cm', defaultMode: 420 } },
    ]);
  });

  it('copies container ports to host ports on the host network', () => {
    const pod = defaulted('v1', 'Pod', {
      metadata: meta,
      spec: { hostNetwork: true, containers: [{ ...container, ports: [{ containerPort: 8080 }] }] },
    });
    assert.equal(pod.spec.containers[0].ports[0].hostPort, 8080);
  });

  it('never overrides what the client set', () => {
    const pod = defaulted('v1', 'Pod', {
      metadata: meta,
      spec: {
        containers: [{ ...container, imagePullPolicy: 'Never' }],
        restartPolicy: 'OnFailure',
        terminationGracePeriodSeconds: 0,
        enableServiceLinks: false,
      },
      status: { phase: 'Running' },
    });
    assert.equal(pod.spec.containers[0].imagePullPolicy, 'Never');
    assert.equal(pod.spec.restartPolicy, 'OnFailure');
    assert.equal(pod.spec.terminationGracePeriodSeconds, 0);
    assert.equal(pod.spec.enableServiceLinks, false);
    assert.equal(pod.status.phase, 'Running');
  });

  const table: [string, string, string, Obj, (o: Obj) => unknown, unknown][] = [
    [
      'deployments',
      'apps/v1',
      'Deployment',
      { metadata: meta, spec: { template } },
      (o) => ({ ...o.spec, template: undefined }),
      {
        replicas: 1,
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
        },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        template: undefined,
      },
    ],
    [
      'deployment templates',
      'apps/v1',
      'Deployment',
      { metadata: meta, spec: { template } },
      (o) => o.spec.template.spec,
      defaultedPodSpec,
    ],
    [
      'replica sets',
      'apps/v1',
      'ReplicaSet',
      { metadata: meta, spec: {} },
      (o) => o.spec.replicas,
      1,
    ],
    [
      'daemon sets',
      'apps/v1',
      'DaemonSet',
      { metadata: meta, spec: {} },
      (o) => o.spec,
      {
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
        },
        revisionHistoryLimit: 10,
      },
    ],
    [
      'stateful sets',
      'apps/v1',
      'StatefulSet',
      { metadata: meta, spec: {} },
      (o) => o.spec,
      {
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        replicas: 1,
        revisionHistoryLimit: 10,
      },
    ],
    [
      'jobs',
      'batch/v1',
      'Job',
      { metadata: meta, spec: {} },
      (o) => o.spec,
      {
        completions: 1,
        parallelism: 1,
        backoffLimit: 6,
        completionMode: 'NonIndexed',
        suspend: false,
        podReplacementPolicy: 'TerminatingOrFailed',
      },
    ],
    [
      'job parallelism alone',
      'batch/v1',
      'Job',
      { metadata: meta, spec: { parallelism: 3 } },
      (o) => [o.spec.completions, o.spec.parallelism],
      [undefined, 3],
    ],
    [
      'job labels from the template',
      'batch/v1',
      'Job',
      { metadata: meta, spec: { template } },
      (o) => o.metadata.labels,
      { app: 'web' },
    ],
    [
      'cron jobs',
      'batch/v1',
      'CronJob',
      { metadata: meta, spec: { schedule: '@hourly' } },
      (o) => o.spec,
      {
        schedule: '@hourly',
        concurrencyPolicy: 'Allow',
        suspend: false,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
      },
    ],
    [
      'services',
      'v1',
      'Service',
      { metadata: meta, spec: { ports: [{ port: 80 }, { port: 443, targetPort: 'https' }] } },
      (o) => o.spec,
      {
        ports: [
          { port: 80, protocol: 'TCP', targetPort: 80 },
          { port: 443, targetPort: 'https', protocol: 'TCP' },
        ],
        sessionAffinity: 'None',
        type: 'ClusterIP',
        internalTrafficPolicy: 'Cluster',
      },
    ],
    [
      'client-IP affinity',
      'v1',
      'Service',
      { metadata: meta, spec: { sessionAffinity: 'ClientIP', type: 'NodePort' } },
      (o) => [o.spec.sessionAffinityConfig, o.spec.externalTrafficPolicy],
      [{ clientIP: { timeoutSeconds: 10800 } }, 'Cluster'],
    ],
    ['secrets', 'v1', 'Secret', { metadata: meta }, (o) => o.type, 'Opaque'],
    [
      'secret stringData',
      'v1',
      'Secret',
      { metadata: meta, data: { a: 'eA==', b: 'eA==' }, stringData: { b: 'héllo' } },
      (o) => [o.data, o.stringData],
      [{ a: 'eA==', b: 'aMOpbGxv' }, undefined],
    ],
    [
      'namespaces',
      'v1',
      'Namespace',
      { metadata: { name: 'team-a' } },
      (o) => [o.metadata.labels, o.spec, o.status],
      [
        { 'kubernetes.io/metadata.name': 'team-a' },
        { finalizers: ['kubernetes'] },
        { phase: 'Active' },
      ],
    ],
    [
      'finalized namespaces',
      'v1',
      'Namespace',
      { metadata: { name: 'a' }, spec: { finalizers: [] } },
      (o) => o.spec.finalizers,
      [],
    ],
    [
      'node allocatable',
      'v1',
      'Node',
      { metadata: { name: 'n1' }, status: { capacity: { cpu: '4', memory: '4096Mi' } } },
      (o) => o.status.allocatable,
      { cpu: '4', memory: '4Gi' },
    ],
    [
      'role binding groups',
      'rbac.authorization.k8s.io/v1',
      'RoleBinding',
      {
        metadata: meta,
        roleRef: { kind: 'Role', name: 'r' },
        subjects: [
          { kind: 'User', name: 'u' },
          { kind: 'ServiceAccount', name: 's' },
        ],
      },
      (o) => [o.roleRef.apiGroup, o.subjects.map((s: Obj) => s.apiGroup)],
      ['rbac.authorization.k8s.io', ['rbac.authorization.k8s.io', '']],
    ],
  ];
  for (const [what, apiVersion, kind, obj, pick, expected] of table) {
    it(`defaults ${what}`, () =>
      assert.deepEqual(pick(defaulted(apiVersion, kind, obj)), expected));
  }

  it('leaves kinds without defaults alone', () => {
    const cm = { metadata: meta, data: { a: '1' } };
    assert.deepEqual(defaulted('v1', 'ConfigMap', cm), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      ...cm,
    });
  });
});
