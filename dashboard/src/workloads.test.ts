import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeObject, PodObject, WorkloadObject } from './kube-types.ts';
import { progressBySite, readyText, workloadKinds } from './workloads.ts';

const kind = (k: string) => workloadKinds.find((x) => x.kind === k)!;
const node = (name: string, site: string): NodeObject => ({
  metadata: { name, labels: { 'topology.kubernetes.io/zone': site } },
});
const pod = (
  name: string,
  nodeName: string | undefined,
  ready: boolean,
  app = 'web',
): PodObject => ({
  metadata: { name, namespace: 'default', labels: { app } },
  spec: { nodeName },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const web: WorkloadObject = {
  metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 4, selector: { matchLabels: { app: 'web' } } },
  status: { readyReplicas: 2 },
};

describe('workloads', () => {
  it('groups a workload’s pods by the site of their node, unscheduled ones as pending', () => {
    const nodes = [node('a1', 'site-a'), node('b1', 'site-b')];
    const pods = [
      pod('web-1', 'a1', true),
      pod('web-2', 'b1', true),
      pod('web-3', 'b1', false),
      pod('web-4', undefined, false),
      pod('db-1', 'a1', true, 'db'),
    ];
    assert.deepEqual(progressBySite(web, pods, nodes), [
      { site: '(pending)', pods: 1, ready: 0 },
      { site: 'site-a', pods: 1, ready: 1 },
      { site: 'site-b', pods: 2, ready: 1 },
    ]);
  });

  it('prints ready counts per kind as kubectl get does', () => {
    assert.equal(readyText(kind('Deployment'), web), '2/4');
    assert.equal(
      readyText(kind('DaemonSet'), { status: { numberReady: 3, desiredNumberScheduled: 3 } }),
      '3/3',
    );
    assert.equal(
      readyText(kind('Job'), { spec: { completions: 2 }, status: { succeeded: 1 } }),
      '1/2',
    );
    assert.equal(
      readyText(kind('CronJob'), { spec: { schedule: '* * * * *' }, status: { active: [{}] } }),
      '* * * * *, 1 active',
    );
  });
});
