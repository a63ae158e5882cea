import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../meta.ts';
import { findResource } from '../resources.ts';
import { toTable } from './index.ts';

const NOW = Date.parse('2026-01-10T12:00:00Z');
const ago = (minutes: number): string => new Date(NOW - minutes * 60_000).toISOString();

/** Column headers as kubectl prints them, the wide ones marked with `*`. */
function headers(group: string, plural: string): string[] {
  const info = findResource(group, plural);
  assert.ok(info, plural);
  return toTable(info, [], { now: NOW }).columnDefinitions.map(
    (c) => `${c.name.toUpperCase()}${c.priority ? '*' : ''}`,
  );
}

function cells(group: string, plural: string, obj: Partial<KubeObject>): unknown[] {
  const info = findResource(group, plural);
  assert.ok(info, plural);
  const full = { metadata: { name: 'x', creationTimestamp: ago(3) }, ...obj } as KubeObject;
  return toTable(info, [full], { now: NOW }).rows[0].cells;
}

const template = {
  spec: {
    containers: [
      { name: 'app', image: 'web:1' },
      { name: 'log', image: 'fluent:2' },
    ],
  },
};

describe('workload tables', () => {
  it('prints deployments as NAME READY UP-TO-DATE AVAILABLE AGE', () => {
    assert.deepEqual(headers('apps', 'deployments'), [
      'NAME',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'AGE',
      'CONTAINERS*',
      'IMAGES*',
      'SELECTOR*',
    ]);
    const d = {
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    assert.deepEqual(cells('apps', 'deployments', d), [
      'x',
      '2/3',
      3,
      2,
      '3m',
      'app,log',
      'web:1,fluent:2',
      'app=web',
    ]);
  });

  it('prints replica sets, daemon sets and stateful sets with their counts', () => {
    assert.deepEqual(headers('apps', 'replicasets').slice(0, 5), [
      'NAME',
      'DESIRED',
      'CURRENT',
      'READY',
      'AGE',
    ]);
    const rs = { spec: { replicas: 2, template }, status: { replicas: 2, readyReplicas: 1 } };
    assert.deepEqual(cells('apps', 'replicasets', rs).slice(0, 5), ['x', 2, 2, 1, '3m']);
    assert.deepEqual(cells('apps', 'replicasets', rs)[7], '<none>');
    assert.deepEqual(headers('apps', 'daemonsets').slice(0, 8), [
      'NAME',
      'DESIRED',
      'CURRENT',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'NODE SELECTOR',
      'AGE',
    ]);
    const ds = {
      spec: {
        template: { spec: { ...template.spec, nodeSelector: { 'kubernetes.io/arch': 'arm64' } } },
      },
      status: {
        desiredNumberScheduled: 4,
        currentNumberScheduled: 4,
        numberReady: 3,
        updatedNumberScheduled: 4,
        numberAvailable: 3,
      },
    };
    assert.deepEqual(cells('apps', 'daemonsets', ds).slice(0, 8), [
      'x',
      4,
      4,
      3,
      4,
      3,
      'kubernetes.io/arch=arm64',
      '3m',
    ]);
    assert.deepEqual(headers('apps', 'statefulsets'), [
      'NAME',
      'READY',
      'AGE',
      'CONTAINERS*',
      'IMAGES*',
    ]);
    const ss = { spec: { replicas: 3, template }, status: { readyReplicas: 3 } };
    assert.deepEqual(cells('apps', 'statefulsets', ss), [
      'x',
      '3/3',
      '3m',
      'app,log',
      'web:1,fluent:2',
    ]);
  });

  it('names the controlling owner of a controller revision', () => {
    const cr = {
      metadata: {
        name: 'web-5d8',
        creationTimestamp: ago(3),
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'web', uid: 'u', controller: true },
        ],
      },
      revision: 2,
    };
    assert.deepEqual(cells('apps', 'controllerrevisions', cr), [
      'web-5d8',
      'daemonset.apps/web',
      2,
      '3m',
    ]);
  });

  it('prints jobs with STATUS COMPLETIONS DURATION', () => {
    assert.deepEqual(headers('batch', 'jobs').slice(0, 5), [
      'NAME',
      'STATUS',
      'COMPLETIONS',
      'DURATION',
      'AGE',
    ]);
    const running = {
      spec: { completions: 3, template },
      status: { succeeded: 1, startTime: ago(2) },
    };
    assert.deepEqual(cells('batch', 'jobs', running).slice(0, 5), [
      'x',
      'Running',
      '1/3',
      '2m',
      '3m',
    ]);
    const complete = {
      spec: { parallelism: 2, template },
      status: {
        succeeded: 1,
        startTime: ago(3),
        completionTime: ago(1),
        conditions: [{ type: 'Complete', status: 'True' }],
      },
    };
    assert.deepEqual(cells('batch', 'jobs', complete).slice(1, 4), ['Complete', '1/1 of 2', '2m']);
    const suspended = {
      spec: { template },
      status: { conditions: [{ type: 'Suspended', status: 'True' }] },
    };
    assert.deepEqual(cells('batch', 'jobs', suspended).slice(1, 4), ['Suspended', '0/1', '']);
    const failed = {
      spec: { template },
      status: { conditions: [{ type: 'Failed', status: 'True' }] },
    };
    assert.equal(cells('batch', 'jobs', failed)[1], 'Failed');
  });

  it('prints cron jobs with SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE', () => {
    assert.deepEqual(headers('batch', 'cronjobs').slice(0, 7), [
      'NAME',
      'SCHEDULE',
      'TIMEZONE',
      'SUSPEND',
      'ACTIVE',
      'LAST SCHEDULE',
      'AGE',
    ]);
    const cj = {
      spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template } } },
      status: { active: [{ name: 'x-1' }], lastScheduleTime: ago(1) },
    };
    assert.deepEqual(cells('batch', 'cronjobs', cj).slice(0, 7), [
      'x',
      '*/5 * * * *',
      '<none>',
      'False',
      1,
      '60s',
      '3m',
    ]);
    const fresh = {
      spec: { schedule: '@daily', timeZone: 'Etc/UTC', jobTemplate: { spec: { template } } },
    };
    assert.deepEqual(cells('batch', 'cronjobs', fresh).slice(2, 6), [
      'Etc/UTC',
      '<unset>',
      0,
      '<none>',
    ]);
  });
});

describe('core tables', () => {
  it('prints services with TYPE CLUSTER-IP EXTERNAL-IP PORT(S)', () => {
    assert.deepEqual(headers('', 'services'), [
      'NAME',
      'TYPE',
      'CLUSTER-IP',
      'EXTERNAL-IP',
      'PORT(S)',
      'AGE',
      'SELECTOR*',
    ]);
    const svc = {
      spec: {
        type: 'NodePort',
        clusterIP: '10.43.0.10',
        clusterIPs: ['10.43.0.10'],
        ports: [
          { port: 80, nodePort: 30080, protocol: 'TCP' },
          { port: 53, protocol: 'UDP' },
        ],
        selector: { app: 'web' },
      },
    };
    assert.deepEqual(cells('', 'services', svc), [
      'x',
      'NodePort',
      '10.43.0.10',
      '<none>',
      '80:30080/TCP,53/UDP',
      '3m',
      'app=web',
    ]);
    const lb = { spec: { type: 'LoadBalancer', clusterIPs: ['10.43.0.11'] } };
    assert.deepEqual(cells('', 'services', lb).slice(3, 5), ['<pending>', '<none>']);
    const named = { spec: { type: 'ExternalName', externalName: 'db.example.com' } };
    assert.deepEqual(cells('', 'services', named).slice(2, 4), ['<none>', 'db.example.com']);
  });

  it('prints endpoints as address:port pairs, three at most', () => {
    const addresses = ['10.42.1.1', '10.42.1.2', '10.42.2.1', 'fd00::1'].map((ip) => ({ ip }));
    const ep = { subsets: [{ addresses, ports: [{ port: 80 }] }] };
    assert.deepEqual(cells('', 'endpoints', ep), [
      'x',
      '10.42.1.1:80,10.42.1.2:80,10.42.2.1:80 + 1 more...',
      '3m',
    ]);
    assert.equal(cells('', 'endpoints', {})[1], '<none>');
    const headless = { subsets: [{ addresses: [{ ip: 'fd00::2' }] }] };
    assert.equal(cells('', 'endpoints', headless)[1], 'fd00::2');
    const bracketed = { subsets: [{ addresses: [{ ip: 'fd00::2' }], ports: [{ port: 53 }] }] };
    assert.equal(cells('', 'endpoints', bracketed)[1], '[fd00::2]:53');
  });

  it('prints nodes with STATUS ROLES AGE VERSION and cordoned nodes as SchedulingDisabled', () => {
    assert.deepEqual(headers('', 'nodes'), [
      'NAME',
      'STATUS',
      'ROLES',
      'AGE',
      'VERSION',
      'INTERNAL-IP*',
      'EXTERNAL-IP*',
      'OS-IMAGE*',
      'KERNEL-VERSION*',
      'CONTAINER-RUNTIME*',
    ]);
    const node = {
      metadata: {
        name: 'pi-3',
        creationTimestamp: ago(3 * 24 * 60 + 2 * 60),
        labels: {
          'node-role.kubernetes.io/edge': '',
          'node-role.kubernetes.io/control-plane': 'true',
        },
      },
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '192.168.1.23' }],
        nodeInfo: {
          kubeletVersion: 'v1.32.0-wisp',
          osImage: 'Raspberry Pi OS',
          kernelVersion: '6.6',
          containerRuntimeVersion: 'wisp://0.1',
        },
      },
    };
    assert.deepEqual(cells('', 'nodes', node), [
      'pi-3',
      'Ready,SchedulingDisabled',
      'control-plane,edge',
      '3d2h',
      'v1.32.0-wisp',
      '192.168.1.23',
      '<none>',
      'Raspberry Pi OS',
      '6.6',
      'wisp://0.1',
    ]);
    const notReady = { status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } };
    assert.deepEqual(cells('', 'nodes', notReady).slice(1, 3), ['NotReady', '<none>']);
    assert.equal(cells('', 'nodes', {})[1], 'Unknown');
  });

  it('prints namespaces, config maps, secrets and service accounts', () => {
    assert.deepEqual(cells('', 'namespaces', { status: { phase: 'Active' } }), [
      'x',
      'Active',
      '3m',
    ]);
    assert.deepEqual(cells('', 'configmaps', { data: { a: '' }, binaryData: { b: '' } }), [
      'x',
      2,
      '3m',
    ]);
    assert.deepEqual(headers('', 'secrets'), ['NAME', 'TYPE', 'DATA', 'AGE']);
    assert.deepEqual(
      cells('', 'secrets', { type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }),
      ['x', 'kubernetes.io/tls', 2, '3m'],
    );
    assert.deepEqual(cells('', 'serviceaccounts', {}), ['x', 0, '3m']);
  });

  it('prints events as LAST SEEN TYPE REASON OBJECT MESSAGE', () => {
    assert.deepEqual(headers('', 'events'), [
      'LAST SEEN',
      'TYPE',
      'REASON',
      'OBJECT',
      'SUBOBJECT*',
      'SOURCE*',
      'MESSAGE',
      'FIRST SEEN*',
      'COUNT*',
      'NAME*',
    ]);
    const ev = {
      metadata: { name: 'web-1.17a', creationTimestamp: ago(9) },
      involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{app}' },
      type: 'Warning',
      reason: 'BackOff',
      message: ' Back-off restarting failed container \n',
      source: { component: 'kubelet', host: 'pi-3' },
      firstTimestamp: ago(9),
      lastTimestamp: ago(1),
      count: 7,
    };
    assert.deepEqual(cells('', 'events', ev), [
      '60s',
      'Warning',
      'BackOff',
      'pod/web-1',
      'spec.containers{app}',
      'kubelet, pi-3',
      'Back-off restarting failed container',
      '9m',
      7,
      'web-1.17a',
    ]);
    const series = {
      eventTime: ago(4),
      series: { count: 3, lastObservedTime: ago(2) },
      reportingComponent: 'scheduler',
      involvedObject: {},
    };
    assert.deepEqual(cells('', 'events', series).slice(0, 1), ['2m']);
    assert.deepEqual(cells('', 'events', series).slice(5, 9), ['scheduler', '', '4m', 3]);
  });
});

describe('cluster tables', () => {
  it('prints leases, runtime classes and disruption budgets', () => {
    assert.deepEqual(cells('coordination.k8s.io', 'leases', { spec: { holderIdentity: 'pi-3' } }), [
      'x',
      'pi-3',
      '3m',
    ]);
    assert.deepEqual(cells('node.k8s.io', 'runtimeclasses', { handler: 'wasm' }), [
      'x',
      'wasm',
      '3m',
    ]);
    assert.deepEqual(headers('policy', 'poddisruptionbudgets'), [
      'NAME',
      'MIN AVAILABLE',
      'MAX UNAVAILABLE',
      'ALLOWED DISRUPTIONS',
      'AGE',
    ]);
    const pdb = { spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } };
    assert.deepEqual(cells('policy', 'poddisruptionbudgets', pdb), ['x', '50%', 'N/A', 1, '3m']);
  });

  it('prints roles with CREATED AT and bindings with their role and subjects', () => {
    assert.deepEqual(headers('rbac.authorization.k8s.io', 'clusterroles'), ['NAME', 'CREATED AT']);
    const role = { metadata: { name: 'view', creationTimestamp: '2026-01-10T11:57:00Z' } };
    assert.deepEqual(cells('rbac.authorization.k8s.io', 'roles', role), [
      'view',
      '2026-01-10T11:57:00Z',
    ]);
    const binding = {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [
        { kind: 'User', name: 'ada' },
        { kind: 'Group', name: 'ops' },
        { kind: 'User', name: 'bob' },
        { kind: 'ServiceAccount', name: 'ci', namespace: 'tools' },
      ],
    };
    assert.deepEqual(cells('rbac.authorization.k8s.io', 'clusterrolebindings', binding), [
      'x',
      'ClusterRole/view',
      '3m',
      'ada, bob',
      'ops',
      'tools/ci',
    ]);
  });
});
