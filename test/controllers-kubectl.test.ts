/**
 * Issue 2 end to end: the control plane in this process with its scheduler and controllers on a
 * FakeClock, five fake agents in two sites on the same clock, driven by the real kubectl.
 * Time moves only when the test advances it, in small steps while it polls (kubectl's own waits
 * use real time, so long kubectl commands run while the test keeps advancing the clock).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Condition, KubeObject } from '@wisp/api';
import { runFor } from '@wisp/testkit/fake-agent/index.ts';
import type { FakeAgent, FakeAgentInit } from '@wisp/testkit/fake-agent/index.ts';
import { KubeNotFoundError } from '@wisp/testkit/kube-client/index.ts';
import type { KubeClient } from '@wisp/testkit/kube-client/index.ts';
import { startInProcessServer } from './helpers/in-process-server.ts';
import type { InProcessServer } from './helpers/in-process-server.ts';

const PODS = { group: '', version: 'v1', plural: 'pods', namespaced: true };
const NODES = { group: '', version: 'v1', plural: 'nodes', namespaced: false };
const DEPLOYMENTS = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true };
const DAEMONSETS = { group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true };
const JOBS = { group: 'batch', version: 'v1', plural: 'jobs', namespaced: true };
const PDBS = { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', namespaced: true };

const NODE_GRACE_MS = 40_000;

interface PodView extends KubeObject {
  spec: { nodeName?: string; containers: { image: string }[] };
  status?: { phase?: string; conditions?: Condition[] };
}

const ready = (p: PodView) =>
  !p.metadata.deletionTimestamp &&
  (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

const condition = (obj: KubeObject, type: string) =>
  ((obj.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find(
    (c) => c.type === type,
  );

function nodesInit(): FakeAgentInit[] {
  const at = (site: string, n: number, i: number): FakeAgentInit => ({
    nodeName: `edge-${site}-${n}`,
    site: `store-${site}`,
    address: `192.168.${i}.10`,
    podCidr: `10.42.${i}.0/24`,
  });
  return [at('a', 1, 1), at('a', 2, 2), at('a', 3, 3), at('b', 1, 4), at('b', 2, 5)];
}

const WEB = (image: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 10
  selector: { matchLabels: { app: web } }
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 25%, maxUnavailable: 25% }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: "${image}" }]
`;

/** Counts ready pods of a selector from a watch, remembering the lowest count it saw. */
async function trackReady(client: KubeClient, labelSelector: string) {
  const list = await client.list<PodView>(PODS, 'default', { labelSelector });
  const pods = new Map(list.items.map((p) => [p.metadata.name!, p]));
  const count = () => [...pods.values()].filter(ready).length;
  let min = count();
  let events = 0;
  const ac = new AbortController();
  const done = (async () => {
    const stream = client.watch<PodView>(PODS, 'default', {
      labelSelector,
      resourceVersion: list.metadata.resourceVersion,
      signal: ac.signal,
    });
    for await (const ev of stream) {
      if (ev.type === 'DELETED') pods.delete(ev.object.metadata.name!);
      else if (ev.type !== 'BOOKMARK') pods.set(ev.object.metadata.name!, ev.object);
      events++;
      min = Math.min(min, count());
    }
  })();
  return {
    min: () => min,
    /** Events seen, so a test can tell the watch really followed the rollout. */
    events: () => events,
    async stop() {
      ac.abort();
      await done;
    },
  };
}

describe('controllers driven by the real kubectl', { timeout: 900_000 }, () => {
  let s: InProcessServer;
  let agents: Map<string, FakeAgent>;

  const pods = async (labelSelector: string) =>
    (await s.client.list<PodView>(PODS, 'default', { labelSelector })).items;
  const apply = (yaml: string) => s.kubectlOk(['apply', '-f', '-'], yaml);

  before(async () => {
    s = await startInProcessServer({ controllers: {} });
    agents = new Map();
    for (const init of nodesInit()) {
      const agent = s.agent(init);
      await agent.start();
      agents.set(init.nodeName, agent);
    }
    s.rules.add({
      image: /^registry\.local\/web:/,
      behaviour: { startDelayMs: 1000, readyDelayMs: 2000 },
    });
  });
  after(async () => {
    await s?.stop();
  });

  it('spreads a 10-replica Deployment across both sites', async () => {
    assert.match(await apply(WEB('registry.local/web:1')), /deployment.apps\/web created/);
    const running = await s.waitFor('10 web pods are ready', async () => {
      const ps = await pods('app=web');
      return ps.filter(ready).length === 10 ? ps.filter(ready) : undefined;
    });
    const bySite = new Map<string, number>();
    for (const p of running) {
      const site = p.spec.nodeName!.split('-')[1];
      bySite.set(site, (bySite.get(site) ?? 0) + 1);
    }
    assert.ok(
      (bySite.get('a') ?? 0) >= 3 && (bySite.get('b') ?? 0) >= 3,
      JSON.stringify([...bySite]),
    );
    const table = await s.kubectlOk(['get', 'deploy', 'web']);
    assert.match(table, /^web\s+10\/10\s+10\s+10\s+/m);
  });

  it('rolls out a new image without dropping below replicas - maxUnavailable ready', async () => {
    const tracker = await trackReady(s.client, 'app=web');
    await s.kubectlOk(['set', 'image', 'deployment/web', 'web=registry.local/web:2']);
    const status = await s.drive(
      s.kubectl(['rollout', 'status', 'deployment/web', '--timeout=120s']),
      {
        deadlineMs: 150_000,
      },
    );
    await tracker.stop();
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /successfully rolled out/);
    const ps = (await pods('app=web')).filter(ready);
    assert.equal(ps.length, 10);
    assert.ok(ps.every((p) => p.spec.containers[0].image === 'registry.local/web:2'));
    assert.ok(tracker.events() >= 30, `the watch saw only ${tracker.events()} events`);
    assert.ok(tracker.min() >= 10 - 2, `ready dropped to ${tracker.min()}`);
  });

  it('restores the old template with kubectl rollout undo', async () => {
    assert.match(await s.kubectlOk(['rollout', 'undo', 'deployment/web']), /rolled back/);
    const status = await s.drive(
      s.kubectl(['rollout', 'status', 'deployment/web', '--timeout=120s']),
      {
        deadlineMs: 150_000,
      },
    );
    assert.equal(status.code, 0, status.stderr);
    const d = await s.client.get(DEPLOYMENTS, 'default', 'web');
    const tpl = (d.spec as { template: { spec: { containers: { image: string }[] } } }).template;
    assert.equal(tpl.spec.containers[0].image, 'registry.local/web:1');
    const history = await s.kubectlOk(['rollout', 'history', 'deployment/web']);
    assert.match(history, /^3\s/m, 'undo makes a new revision');
  });

  it('runs one DaemonSet pod per node and follows a new node', async () => {
    await apply(`
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: node-agent }
spec:
  selector: { matchLabels: { app: node-agent } }
  template:
    metadata: { labels: { app: node-agent } }
    spec:
      containers: [{ name: agent, image: registry.local/node-agent:1 }]
`);
    const onNodes = async (n: number) =>
      s.waitFor(`${n} daemon pods run, one per node`, async () => {
        const ps = (await pods('app=node-agent')).filter(ready);
        const nodes = new Set(ps.map((p) => p.spec.nodeName));
        return ps.length === n && nodes.size === n ? nodes : undefined;
      });
    assert.deepEqual([...(await onNodes(5))].sort(), [...agents.keys()].sort());
    const extra = s.agent({
      nodeName: 'edge-b-3',
      site: 'store-b',
      address: '192.168.6.10',
      podCidr: '10.42.6.0/24',
    });
    await extra.start();
    agents.set('edge-b-3', extra);
    assert.ok((await onNodes(6)).has('edge-b-3'));
    await s.waitFor('the DaemonSet reports 6 ready', async () => {
      const ds = await s.client.get(DAEMONSETS, 'default', 'node-agent');
      const st = ds.status as { desiredNumberScheduled?: number; numberReady?: number };
      return st.desiredNumberScheduled === 6 && st.numberReady === 6;
    });
  });

  it('completes a Job of 5 completions with at most 2 pods at a time', async () => {
    s.rules.add({ image: 'registry.local/crunch:1', behaviour: runFor(3000) });
    await apply(`
apiVersion: batch/v1
kind: Job
metadata: { name: crunch }
spec:
  completions: 5
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: crunch, image: registry.local/crunch:1 }]
`);
    let maxActive = 0;
    const job = await s.waitFor(
      'the Job completes',
      async () => {
        const ps = await pods('job-name=crunch');
        const active = ps.filter(
          (p) =>
            !p.metadata.deletionTimestamp && ['Pending', 'Running'].includes(p.status?.phase ?? ''),
        );
        maxActive = Math.max(maxActive, active.length);
        const j = await s.client.get(JOBS, 'default', 'crunch');
        return condition(j, 'Complete')?.status === 'True' ? j : undefined;
      },
      { stepMs: 250 },
    );
    assert.equal((job.status as { succeeded?: number }).succeeded, 5);
    assert.ok(maxActive <= 2, `${maxActive} pods ran at once`);
    assert.match(await s.kubectlOk(['get', 'job', 'crunch']), /^crunch\s+\S+\s+5\/5\s+/m);
  });

  it('fires a CronJob on schedule under the fake clock', async () => {
    s.rules.add({ image: 'registry.local/tick:1', behaviour: runFor(1000) });
    await apply(`
apiVersion: batch/v1
kind: CronJob
metadata: { name: tick }
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{ name: tick, image: registry.local/tick:1 }]
`);
    const dueMs = Math.ceil((s.clock.now() + 1) / 300_000) * 300_000;
    const expected = `tick-${Math.floor(dueMs / 60_000)}`;
    const firedAt = await s.waitFor(
      `job ${expected} is created`,
      async () => {
        const jobs = await s.client.list(JOBS, 'default');
        return jobs.items.some((j) => j.metadata.name === expected) ? s.clock.now() : undefined;
      },
      { stepMs: 1000, deadlineMs: 120_000 },
    );
    assert.ok(
      firedAt >= dueMs && firedAt - dueMs <= 5_000,
      `fired ${firedAt - dueMs} ms after due`,
    );
    await s.waitFor(
      'the scheduled job completes',
      async () => {
        const j = await s.client.get(JOBS, 'default', expected);
        return condition(j, 'Complete')?.status === 'True';
      },
      { stepMs: 250 },
    );
    await s.kubectlOk(['delete', 'cronjob', 'tick']);
  });

  it('marks a lost node NotReady at 40 s, moves a 60 s pod at ~100 s, keeps edge pod', async () => {
    await apply(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: tolerant }
spec:
  replicas: 1
  selector: { matchLabels: { app: tolerant } }
  template:
    metadata: { labels: { app: tolerant } }
    spec:
      tolerations:
        - key: node.kubernetes.io/unreachable
          operator: Exists
          effect: NoExecute
          tolerationSeconds: 60
        - key: node.kubernetes.io/not-ready
          operator: Exists
          effect: NoExecute
          tolerationSeconds: 60
      containers: [{ name: app, image: registry.local/tolerant:1 }]
`);
    const first = await s.waitFor('the tolerant pod runs', async () =>
      (await pods('app=tolerant')).find(ready),
    );
    const lost = first.spec.nodeName!;
    await apply(`
apiVersion: v1
kind: Pod
metadata:
  name: edge-pos
  labels: { app: edge-pos }
  annotations: { wisp.dev/edge-autonomy: "true" }
spec:
  nodeName: ${lost}
  containers: [{ name: pos, image: registry.local/pos:1 }]
`);
    await s.waitFor('the edge pod runs', async () => (await pods('app=edge-pos')).find(ready));

    const agent = agents.get(lost)!;
    await agent.renewLease();
    const silentSince = s.clock.now();
    await agent.stop();
    const notReadyAt = await s.waitFor(
      `${lost} goes NotReady`,
      async () => {
        const node = await s.client.get(NODES, undefined, lost);
        return condition(node, 'Ready')?.status !== 'True' ? s.clock.now() : undefined;
      },
      { stepMs: 250 },
    );
    const notReadyAfter = notReadyAt - silentSince;
    assert.ok(
      notReadyAfter >= NODE_GRACE_MS * 0.9 && notReadyAfter <= NODE_GRACE_MS * 1.1,
      `NotReady after ${notReadyAfter} ms`,
    );

    const evictedAt = await s.waitFor(
      'the tolerant pod is evicted',
      async () => {
        try {
          const p = await s.client.get<PodView>(PODS, 'default', first.metadata.name!);
          return p.metadata.deletionTimestamp ? s.clock.now() : undefined;
        } catch (e) {
          return e instanceof KubeNotFoundError ? s.clock.now() : undefined;
        }
      },
      { stepMs: 250 },
    );
    const evictedAfter = evictedAt - silentSince;
    assert.ok(
      evictedAfter >= 95_000 && evictedAfter <= 110_000,
      `evicted after ${evictedAfter} ms`,
    );
    const replacement = await s.waitFor('a replacement runs elsewhere', async () =>
      (await pods('app=tolerant')).find((p) => ready(p) && p.spec.nodeName !== lost),
    );
    assert.notEqual(replacement.spec.nodeName, lost);

    await s.clock.advanceAsync(20_000);
    const edge = await s.client.get<PodView>(PODS, 'default', 'edge-pos');
    assert.equal(edge.spec.nodeName, lost);
    assert.equal(edge.metadata.deletionTimestamp, undefined, 'the edge pod is never evicted');

    await agent.start();
    await s.waitFor(
      `${lost} is Ready again without taints`,
      async () => {
        const node = await s.client.get(NODES, undefined, lost);
        const taints = (node.spec as { taints?: { key: string }[] }).taints ?? [];
        return (
          condition(node, 'Ready')?.status === 'True' &&
          !taints.some((t) => t.key.startsWith('node.kubernetes.io/'))
        );
      },
      { stepMs: 250 },
    );
  });

  it('refuses to drain a node when that would break a PodDisruptionBudget', async () => {
    const node = 'edge-b-1';
    await apply(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: guarded }
spec:
  replicas: 2
  selector: { matchLabels: { app: guarded } }
  template:
    metadata: { labels: { app: guarded } }
    spec:
      nodeSelector: { kubernetes.io/hostname: ${node} }
      containers: [{ name: app, image: registry.local/guarded:1 }]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: guarded }
spec:
  minAvailable: 2
  selector: { matchLabels: { app: guarded } }
`);
    await s.waitFor(
      'both guarded pods run',
      async () => (await pods('app=guarded')).filter(ready).length === 2,
    );
    await s.waitFor('the budget allows no disruption', async () => {
      const pdb = await s.client.get(PDBS, 'default', 'guarded');
      const st = pdb.status as { currentHealthy?: number; disruptionsAllowed?: number };
      return st.currentHealthy === 2 && st.disruptionsAllowed === 0;
    });
    try {
      const drain = await s.drive(
        s.kubectl([
          'drain',
          node,
          '--ignore-daemonsets',
          '--delete-emptydir-data',
          '--force',
          '--timeout=15s',
        ]),
        { stepMs: 50, pauseMs: 20, deadlineMs: 60_000 },
      );
      const said = `${drain.stdout}${drain.stderr}`;
      assert.notEqual(drain.code, 0, `drain gives up:\n${said}`);
      assert.match(said, /disruption budget/);
      const guarded = await pods('app=guarded');
      assert.equal(guarded.filter(ready).length, 2, 'no guarded pod was evicted');
      const cordoned = await s.client.get(NODES, undefined, node);
      assert.equal((cordoned.spec as { unschedulable?: boolean }).unschedulable, true);
    } finally {
      await s.kubectlOk(['uncordon', node]);
    }
  });

  it('shows why a pod cannot be scheduled in kubectl describe', async () => {
    await apply(`
apiVersion: v1
kind: Pod
metadata: { name: nowhere }
spec:
  nodeSelector: { wisp.dev/site: store-z }
  containers: [{ name: app, image: registry.local/web:1 }]
`);
    await s.waitFor('the scheduler gives up on the pod', async () => {
      const p = await s.client.get(PODS, 'default', 'nowhere');
      return condition(p, 'PodScheduled')?.status === 'False';
    });
    const out = await s.kubectlOk(['describe', 'pod', 'nowhere']);
    assert.match(out, /^Status:\s+Pending$/m);
    assert.match(out, /FailedScheduling/);
    assert.match(out, /0\/6 nodes are available: .*\bdidn't match Pod's node affinity\/selector/);
  });
});
