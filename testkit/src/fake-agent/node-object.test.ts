import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Condition } from '@wisp/api';
import { rfc3339, rfc3339Micro } from '@wisp/core';
import { nodeShape } from './fake-agent.ts';
import { leaseManifest, renewPatch } from './lease.ts';
import { nodeManifest, nodeStatus } from './node-object.ts';

const T0 = Date.UTC(2030, 0, 1);
const shape = nodeShape({
  nodeName: 'edge-a-1',
  site: 'store-42',
  address: '192.168.42.11',
  podCidr: '10.42.11.0/24',
  labels: { role: 'till' },
});

describe('nodeManifest', () => {
  it('labels the node with hostname, arch, os, zone = site, site and runtimes', () => {
    const node = nodeManifest(shape, T0);
    assert.deepEqual(node.metadata.labels, {
      'kubernetes.io/hostname': 'edge-a-1',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'arm64',
      'topology.kubernetes.io/zone': 'store-42',
      'wisp.dev/site': 'store-42',
      'wisp.dev/runtimes': 'wasm.oci',
      role: 'till',
    });
    assert.deepEqual(node.spec, { podCIDR: '10.42.11.0/24', podCIDRs: ['10.42.11.0/24'] });
  });

  it('reports capacity, allocatable, addresses, node info and a Ready condition', () => {
    const status = nodeManifest(shape, T0).status as Record<string, unknown>;
    assert.deepEqual(status.capacity, { cpu: '4', memory: '8Gi', pods: '110' });
    assert.deepEqual(status.allocatable, status.capacity);
    assert.deepEqual(status.addresses, [
      { type: 'InternalIP', address: '192.168.42.11' },
      { type: 'Hostname', address: 'edge-a-1' },
    ]);
    const info = status.nodeInfo as Record<string, string>;
    assert.equal(info.architecture, 'arm64');
    assert.equal(info.kubeletVersion, 'v1.32.0-wisp');
    const ready = (status.conditions as Condition[]).find((c) => c.type === 'Ready')!;
    assert.equal(ready.status, 'True');
    assert.equal(ready.reason, 'KubeletReady');
    assert.equal(ready.lastHeartbeatTime, rfc3339(T0));
  });

  it('takes explicit capacity and a smaller allocatable', () => {
    const small = nodeShape({
      nodeName: 'n',
      site: 's',
      capacity: { cpu: '2' },
      allocatable: { memory: '1Gi' },
    });
    assert.deepEqual(small.capacity, { cpu: '2', memory: '8Gi', pods: '110' });
    assert.deepEqual(small.allocatable, { cpu: '2', memory: '1Gi', pods: '110' });
  });
});

describe('nodeStatus', () => {
  it('moves the heartbeat but keeps the transition time while a condition holds', () => {
    const first = nodeStatus(shape, T0, []).conditions as Condition[];
    const later = nodeStatus(shape, T0 + 10_000, first).conditions as Condition[];
    const ready = later.find((c) => c.type === 'Ready')!;
    assert.equal(ready.lastHeartbeatTime, rfc3339(T0 + 10_000));
    assert.equal(ready.lastTransitionTime, rfc3339(T0));
  });

  it('makes Ready=True a transition after the node was marked Unknown', () => {
    const lost: Condition[] = [
      { type: 'Ready', status: 'Unknown', lastTransitionTime: rfc3339(T0) },
    ];
    const back = (nodeStatus(shape, T0 + 60_000, lost).conditions as Condition[]).find(
      (c) => c.type === 'Ready',
    )!;
    assert.equal(back.status, 'True');
    assert.equal(back.lastTransitionTime, rfc3339(T0 + 60_000));
  });
});

describe('lease', () => {
  it('is held by the node in kube-node-lease, owned by the Node, renewed with micro time', () => {
    const lease = leaseManifest('edge-a-1', 'uid-1', 40, T0 + 1);
    assert.equal(lease.metadata.namespace, 'kube-node-lease');
    assert.deepEqual(lease.metadata.ownerReferences, [
      { apiVersion: 'v1', kind: 'Node', name: 'edge-a-1', uid: 'uid-1' },
    ]);
    assert.deepEqual(lease.spec, {
      holderIdentity: 'edge-a-1',
      leaseDurationSeconds: 40,
      renewTime: rfc3339Micro(T0 + 1),
    });
    assert.deepEqual(renewPatch('edge-a-1', 40, T0 + 2).spec.renewTime, rfc3339Micro(T0 + 2));
  });
});
