import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import nacl from 'tweetnacl';
import { SignatureError } from './envelope.ts';
import {
  decodeWireMessage,
  encodeWireMessage,
  openWireMessage,
  sealWireMessage,
  siteTopic,
  validateWireMessage,
  wireApiVersion,
  wireLimits,
  type LeaseRenewal,
  type NodeDesired,
} from './messages.ts';

const keys = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(3));
const signer = { keyId: 'cp-1', secretKey: keys.secretKey };
const trusted = (id: string) => (id === 'cp-1' ? keys.publicKey : undefined);

function pod(name: string, nodeName = 'edge-1') {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName, containers: [{ name: 'app', image: 'app:1' }] },
  };
}

function desired(over: Partial<Record<keyof NodeDesired, unknown>> = {}): NodeDesired {
  return {
    apiVersion: wireApiVersion,
    kind: 'NodeDesired',
    nodeName: 'edge-1',
    revision: 42,
    pods: [pod('web-1')],
    configMaps: [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } },
    ],
    sealedSecrets: [
      {
        namespace: 'default',
        name: 's',
        ephemeralPublicKey: Buffer.alloc(32, 1).toString('base64'),
        nonce: Buffer.alloc(24, 2).toString('base64'),
        box: Buffer.alloc(40, 3).toString('base64'),
      },
    ],
    services: [],
    endpoints: [],
    ...over,
  } as NodeDesired;
}

function fieldsOf(value: unknown): string[] {
  return validateWireMessage(value).map((e) => `${e.field}: ${e.message}`);
}

describe('wire messages', () => {
  it('seals and opens a NodeDesired unchanged', () => {
    const doc = desired();
    assert.deepEqual(openWireMessage(sealWireMessage(doc, signer), trusted, 'NodeDesired'), doc);
  });

  it('refuses a document whose signature does not verify', () => {
    const sealed = JSON.parse(new TextDecoder().decode(sealWireMessage(desired(), signer)));
    const tampered = encodeWireMessage(desired({ revision: 43 }));
    sealed.payload = Buffer.from(tampered).toString('base64');
    const bytes = new TextEncoder().encode(JSON.stringify(sealed));
    assert.throws(() => openWireMessage(bytes, trusted, 'NodeDesired'), SignatureError);
  });

  it('refuses a message of another kind than expected', () => {
    const lease: LeaseRenewal = {
      apiVersion: wireApiVersion,
      kind: 'LeaseRenewal',
      nodeName: 'edge-1',
      renewTime: '2030-01-01T00:00:00.000000Z',
      leaseDurationSeconds: 40,
    };
    const bytes = sealWireMessage(lease, signer);
    assert.deepEqual(openWireMessage(bytes, trusted, 'LeaseRenewal'), lease);
    assert.throws(() => openWireMessage(bytes, trusted, 'NodeDesired'), /kind: Unsupported value/);
  });

  it("refuses a pod bound to another node, naming the pod's field", () => {
    const errs = fieldsOf(desired({ pods: [pod('a'), pod('b', 'edge-2')] }));
    assert.deepEqual(errs, [
      'pods[1].spec.nodeName: Invalid value: "edge-2": must be the message nodeName',
    ]);
  });

  it('refuses duplicates, unknown fields, and lists over their caps', () => {
    assert.match(
      fieldsOf(desired({ pods: [pod('a'), pod('a')] }))[0],
      /^pods\[1\]: Duplicate value/,
    );
    assert.match(fieldsOf({ ...desired(), extra: true })[0], /^extra: .*unknown field/);
    const many = Array.from({ length: wireLimits.podsPerNodeMax + 1 }, (_, i) => pod(`p${i}`));
    assert.match(fieldsOf(desired({ pods: many }))[0], /^pods: .*at most 250 items/);
    const atCap = many.slice(1);
    assert.deepEqual(fieldsOf(desired({ pods: atCap })), []);
  });

  it('refuses bad revisions, names and sealed secrets with field paths', () => {
    assert.match(fieldsOf(desired({ revision: 0 }))[0], /^revision: Invalid value: 0/);
    assert.match(fieldsOf(desired({ revision: 1.5 }))[0], /^revision: /);
    assert.match(fieldsOf(desired({ nodeName: 'Edge_1' }))[0], /^nodeName: Invalid value/);
    const badKey = { ...desired().sealedSecrets[0], ephemeralPublicKey: 'AAAA' };
    assert.match(
      fieldsOf(desired({ sealedSecrets: [badKey] }))[0],
      /^sealedSecrets\[0\]\.ephemeralPublicKey: .*32 bytes/,
    );
    const noMeta = { apiVersion: 'v1', kind: 'Service' };
    assert.deepEqual(fieldsOf(desired({ services: [noMeta] })), [
      'services[0].metadata: Required value',
    ]);
  });

  it('validates status reports and lease renewals', () => {
    const status = {
      apiVersion: wireApiVersion,
      kind: 'NodeStatus',
      nodeName: 'edge-1',
      observedAt: '2030-01-01T00:00:00Z',
      appliedRevision: 0,
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    };
    assert.deepEqual(fieldsOf(status), []);
    assert.match(fieldsOf({ ...status, observedAt: 'yesterday' })[0], /^observedAt: .*RFC 3339/);
    const report = {
      apiVersion: wireApiVersion,
      kind: 'PodStatusReport',
      nodeName: 'edge-1',
      observedAt: '2030-01-01T00:00:00Z',
      pods: [{ namespace: 'default', name: 'web-1', uid: 'u1', status: { phase: 'Running' } }],
    };
    assert.deepEqual(fieldsOf(report), []);
    assert.match(
      fieldsOf({ ...report, pods: [{ ...report.pods[0], uid: '' }] })[0],
      /uid: Required/,
    );
    const lease = {
      apiVersion: wireApiVersion,
      kind: 'LeaseRenewal',
      nodeName: 'edge-1',
      renewTime: '2030-01-01T00:00:00.000000Z',
      leaseDurationSeconds: 3601,
    };
    assert.match(fieldsOf(lease)[0], /^leaseDurationSeconds: .*1 to 3600/);
  });

  it('refuses garbage: not JSON, not an object, an unknown kind or version', () => {
    assert.throws(() => decodeWireMessage(Uint8Array.of(0xff)), /not UTF-8 JSON/);
    assert.match(fieldsOf(7)[0], /must be an object/);
    assert.match(fieldsOf({ apiVersion: wireApiVersion, kind: 'Pod' })[0], /^kind: Unsupported/);
    assert.match(fieldsOf({ ...desired(), apiVersion: 'v2' })[0], /^apiVersion: Unsupported/);
  });

  it('names one topic per site', () => {
    assert.equal(siteTopic('store-42'), '/wisp/site/store-42/1');
    assert.notEqual(siteTopic(''), siteTopic('store-42'));
  });
});
