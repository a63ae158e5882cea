/**
 * The FakeAgent against a real in-process control plane without controllers: the test binds
 * pods itself through the binding subresource and reads what the agent wrote through the API.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Condition, KubeObject } from '@wisp/api';
import { fail, neverReady, runFor } from '@wisp/testkit/fake-agent/index.ts';
import type { FakeAgent } from '@wisp/testkit/fake-agent/index.ts';
import { KubeNotFoundError } from '@wisp/testkit/kube-client/index.ts';
import { startInProcessServer } from './helpers/in-process-server.ts';
import type { InProcessServer } from './helpers/in-process-server.ts';

const PODS = { group: '', version: 'v1', plural: 'pods', namespaced: true };
const NODES = { group: '', version: 'v1', plural: 'nodes', namespaced: false };
const LEASES = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true };

interface PodStatus {
  phase?: string;
  podIP?: string;
  hostIP?: string;
  conditions?: Condition[];
  containerStatuses?: {
    name: string;
    ready: boolean;
    restartCount: number;
    state: Record<string, unknown>;
  }[];
}

const statusOf = (p: KubeObject) => (p.status ?? {}) as PodStatus;
const isReady = (p: KubeObject) =>
  statusOf(p).conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

describe('FakeAgent against the apiserver', { timeout: 120_000 }, () => {
  let s: InProcessServer;
  let agent: FakeAgent;

  before(async () => {
    s = await startInProcessServer();
    agent = s.agent({
      nodeName: 'edge-a-1',
      site: 'store-42',
      address: '192.168.42.11',
      podCidr: '10.42.11.0/24',
    });
    await agent.start();
  });
  after(async () => {
    await s?.stop();
  });

  /** A pod created already bound, as DaemonSet pods may be. */
  async function runPod(name: string, image: string, extra: Record<string, unknown> = {}) {
    await s.client.create(PODS, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'main', image }], nodeName: 'edge-a-1', ...extra },
    });
  }

  const pod = (name: string) => s.client.get(PODS, 'default', name);

  it('registers its Node with labels, capacity, addresses and a Ready condition', async () => {
    const node = await s.client.get(NODES, undefined, 'edge-a-1');
    assert.equal(node.metadata.labels?.['topology.kubernetes.io/zone'], 'store-42');
    assert.equal(node.metadata.labels?.['wisp.dev/site'], 'store-42');
    assert.equal(node.metadata.labels?.['kubernetes.io/arch'], 'arm64');
    assert.equal(node.metadata.labels?.['kubernetes.io/hostname'], 'edge-a-1');
    const status = node.status as {
      capacity: Record<string, string>;
      allocatable: Record<string, string>;
      addresses: { type: string; address: string }[];
      conditions: Condition[];
    };
    assert.deepEqual(status.capacity, { cpu: '4', memory: '8Gi', pods: '110' });
    assert.deepEqual(status.addresses[0], { type: 'InternalIP', address: '192.168.42.11' });
    assert.equal(status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
  });

  it('renews its Lease in kube-node-lease on the clock and heartbeats node status', async () => {
    const lease = await s.client.get(LEASES, 'kube-node-lease', 'edge-a-1');
    const spec = lease.spec as {
      holderIdentity: string;
      renewTime: string;
      leaseDurationSeconds: number;
    };
    assert.equal(spec.holderIdentity, 'edge-a-1');
    assert.equal(spec.leaseDurationSeconds, 40);
    const before = Date.parse(spec.renewTime);
    const renewed = await s.waitFor(
      'the lease is renewed',
      async () => {
        const l = await s.client.get(LEASES, 'kube-node-lease', 'edge-a-1');
        const t = Date.parse((l.spec as { renewTime: string }).renewTime);
        return t > before ? t : undefined;
      },
      { stepMs: 1000 },
    );
    assert.ok(renewed - before >= 10_000 && renewed - before <= 12_000, `${renewed - before} ms`);
    await s.waitFor(
      'a node status heartbeat lands',
      async () => {
        const node = await s.client.get(NODES, undefined, 'edge-a-1');
        const conditions = (node.status as { conditions: Condition[] }).conditions;
        const ready = conditions.find((c) => c.type === 'Ready')!;
        return Date.parse(ready.lastHeartbeatTime!) > Date.parse(ready.lastTransitionTime!);
      },
      { stepMs: 0 },
    );
  });

  it('runs a bound pod: Pending, then Running and Ready with an IP from its range', async () => {
    s.rules.add({ podName: /^slow-start$/, behaviour: { startDelayMs: 5000 } });
    await runPod('slow-start', 'registry.local/web:1');
    const pending = await s.waitFor(
      'the agent reports ContainerCreating',
      async () => {
        const p = await pod('slow-start');
        return statusOf(p).containerStatuses ? p : undefined;
      },
      { stepMs: 0 },
    );
    assert.equal(statusOf(pending).phase, 'Pending');
    assert.deepEqual(statusOf(pending).containerStatuses![0].state, {
      waiting: { reason: 'ContainerCreating' },
    });
    const running = await s.waitFor(
      'the pod is ready',
      async () => {
        const p = await pod('slow-start');
        return isReady(p) ? p : undefined;
      },
      { stepMs: 500 },
    );
    const st = statusOf(running);
    assert.equal(st.phase, 'Running');
    assert.match(st.podIP ?? '', /^10\.42\.11\.\d+$/);
    assert.equal(st.hostIP, '192.168.42.11');
    assert.equal(st.containerStatuses![0].ready, true);
    assert.ok('running' in st.containerStatuses![0].state);
  });

  it('runs a pod the scheduler way: created unbound, then bound through pods/binding', async () => {
    await s.client.create(PODS, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bound-later' },
      spec: { containers: [{ name: 'main', image: 'registry.local/web:1' }] },
    });
    await s.clock.advanceAsync(1000);
    assert.equal(statusOf(await pod('bound-later')).containerStatuses, undefined, 'not ours yet');
    await s.client.postSubresource(PODS, 'default', 'bound-later', 'binding', {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'bound-later' },
      target: { kind: 'Node', name: 'edge-a-1' },
    });
    await s.waitFor('the bound pod is ready', async () => isReady(await pod('bound-later')), {
      stepMs: 0,
    });
  });

  it('runs a job pod for its time and reports Succeeded, or Failed for a failing one', async () => {
    s.rules.add({ image: 'registry.local/batch:1', behaviour: runFor(3000) });
    s.rules.add({ image: 'registry.local/broken:1', behaviour: fail(1000, 3) });
    await runPod('batch', 'registry.local/batch:1', { restartPolicy: 'Never' });
    await runPod('broken', 'registry.local/broken:1', { restartPolicy: 'Never' });
    const t0 = s.clock.now();
    await s.waitFor(
      'the job pod runs',
      async () => statusOf(await pod('batch')).phase === 'Running',
      { stepMs: 0 },
    );
    const done = await s.waitFor(
      'the job pod succeeds',
      async () => {
        const p = await pod('batch');
        return statusOf(p).phase === 'Succeeded' ? s.clock.now() : undefined;
      },
      { stepMs: 250 },
    );
    assert.ok(done - t0 >= 3000 && done - t0 <= 4000, `succeeded after ${done - t0} ms`);
    const broken = await s.waitFor('the failing pod fails', async () => {
      const p = await pod('broken');
      return statusOf(p).phase === 'Failed' ? p : undefined;
    });
    const state = statusOf(broken).containerStatuses![0].state as {
      terminated: { exitCode: number };
    };
    assert.equal(state.terminated.exitCode, 3);
  });

  it('keeps a never-ready pod Running but not Ready', async () => {
    s.rules.add({ podName: 'lazy', behaviour: neverReady() });
    await runPod('lazy', 'registry.local/web:1');
    await s.waitFor('the pod runs', async () => statusOf(await pod('lazy')).phase === 'Running', {
      stepMs: 0,
    });
    await s.clock.advanceAsync(60_000);
    await agent.syncPods();
    assert.equal(isReady(await pod('lazy')), false);
  });

  it('finishes a deleted pod: containers terminated, then the final delete', async () => {
    await runPod('doomed', 'registry.local/web:1');
    await s.waitFor('the pod is ready', async () => isReady(await pod('doomed')), { stepMs: 0 });
    const answer = await s.client.delete(PODS, 'default', 'doomed');
    assert.ok(
      (answer as KubeObject).metadata?.deletionTimestamp,
      'a bound pod is deleted gracefully',
    );
    await s.waitFor(
      'the pod is gone',
      async () => {
        try {
          await pod('doomed');
          return false;
        } catch (e) {
          return e instanceof KubeNotFoundError;
        }
      },
      { stepMs: 0 },
    );
  });

  it('stops renewing when stopped (a lost node) and resumes on start', async () => {
    await agent.renewLease();
    await agent.stop();
    const renewTime = async () =>
      Date.parse(
        ((await s.client.get(LEASES, 'kube-node-lease', 'edge-a-1')).spec as { renewTime: string })
          .renewTime,
      );
    const frozen = await renewTime();
    await s.clock.advanceAsync(60_000);
    assert.equal(await renewTime(), frozen, 'no renewal while stopped');
    await agent.start();
    assert.ok((await renewTime()) >= frozen + 60_000, 'renewed on resume');
  });

  it('takes over a Node that is already registered', async () => {
    const again = s.agent({ nodeName: 'edge-a-1', site: 'store-43', podCidr: '10.42.99.0/24' });
    await agent.stop();
    await again.start();
    const node = await s.client.get(NODES, undefined, 'edge-a-1');
    assert.equal(node.metadata.labels?.['wisp.dev/site'], 'store-43');
    await again.stop();
  });
});
