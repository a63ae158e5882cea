import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './api-client.ts';
import type { ApiClient } from './api-client.ts';
import { drainNode } from './drain.ts';
import type { PodObject } from './kube-types.ts';

function recordingApi(refuse: Set<string>): { api: ApiClient; calls: string[] } {
  const calls: string[] = [];
  const api = {
    mergePatch: async (path: string, patch: unknown) => {
      calls.push(`PATCH ${path} ${JSON.stringify(patch)}`);
      return {};
    },
    post: async (path: string) => {
      calls.push(`POST ${path}`);
      if ([...refuse].some((r) => path.includes(r))) {
        throw new ApiError(
          `POST ${path}: Cannot evict pod: disruption budget`,
          429,
          'TooManyRequests',
        );
      }
      return {};
    },
  } as unknown as ApiClient;
  return { api, calls };
}

const pod = (name: string, node: string, extra: Partial<PodObject> = {}): PodObject => ({
  metadata: { name, namespace: 'default', ...extra.metadata },
  spec: { nodeName: node },
  status: { phase: 'Running', ...extra.status },
});

describe('drainNode', () => {
  it('cordons, evicts the node’s pods, skips DaemonSet and finished pods, collects refusals', async () => {
    const { api, calls } = recordingApi(new Set(['/pods/guarded/']));
    const r = await drainNode(api, 'edge-2', [
      pod('web-1', 'edge-2'),
      pod('web-2', 'edge-1'),
      pod('agent-x', 'edge-2', {
        metadata: {
          name: 'agent-x',
          namespace: 'default',
          ownerReferences: [{ kind: 'DaemonSet' }],
        },
      }),
      pod('done', 'edge-2', { status: { phase: 'Succeeded' } }),
      pod('guarded', 'edge-2'),
    ]);
    assert.equal(calls[0], 'PATCH /api/v1/nodes/edge-2 {"spec":{"unschedulable":true}}');
    assert.deepEqual(calls.slice(1), [
      'POST /api/v1/namespaces/default/pods/web-1/eviction',
      'POST /api/v1/namespaces/default/pods/guarded/eviction',
    ]);
    assert.deepEqual(r.evicted, ['default/web-1']);
    assert.deepEqual(r.skipped, ['default/agent-x (DaemonSet)', 'default/done (Succeeded)']);
    assert.match(r.failures[0], /disruption budget/);
  });
});
