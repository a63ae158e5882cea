import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nodeStatusText, noSite, summarizeSites } from './node-status.ts';
import type { NodeLike } from './node-status.ts';

const node = (site: string | undefined, ready: string | undefined, cordoned = false): NodeLike => ({
  metadata: { labels: site ? { 'topology.kubernetes.io/zone': site } : {} },
  spec: { unschedulable: cordoned },
  status: { conditions: ready ? [{ type: 'Ready', status: ready }] : [] },
});

describe('node status', () => {
  it('reads Ready and NotReady from the Ready condition as kubectl does', () => {
    assert.equal(nodeStatusText(node('a', 'True')), 'Ready');
    assert.equal(nodeStatusText(node('a', 'False')), 'NotReady');
    assert.equal(nodeStatusText(node('a', 'Unknown')), 'NotReady');
    assert.equal(nodeStatusText(node('a', undefined)), 'Unknown');
  });

  it('adds SchedulingDisabled to a cordoned node', () => {
    assert.equal(nodeStatusText(node('a', 'True', true)), 'Ready,SchedulingDisabled');
  });

  it('counts nodes per zone label, sorted by site, with unlabelled nodes in their own site', () => {
    const sites = summarizeSites([
      node('site-b', 'True'),
      node('site-a', 'True', true),
      node('site-a', 'False'),
      node(undefined, 'True'),
    ]);
    assert.deepEqual(
      sites.map((s) => [s.site, s.total, s.byReadiness.Ready, s.byReadiness.NotReady, s.cordoned]),
      [
        [noSite, 1, 1, 0, 0],
        ['site-a', 2, 1, 1, 1],
        ['site-b', 1, 1, 0, 0],
      ],
    );
  });
});
