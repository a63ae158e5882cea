import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeCatchUpRequest,
  decodeP2pInfo,
  decodeStatusBatch,
  encodeCatchUpRequest,
  encodeStatusBatch,
  statusItemsMax,
} from './protocols.ts';
import { signEnvelope } from './envelope.ts';

const secretKey = new Uint8Array(64);

describe('wire protocols', () => {
  it('round-trips a catch-up request and refuses a negative revision by field', () => {
    const bytes = encodeCatchUpRequest({ nodeName: 'edge-1', haveRevision: 4 });
    assert.deepEqual(decodeCatchUpRequest(bytes), { nodeName: 'edge-1', haveRevision: 4 });
    const bad = new TextEncoder().encode('{"nodeName":"edge-1","haveRevision":-1}');
    assert.throws(() => decodeCatchUpRequest(bad), /request\.haveRevision/);
  });

  it('accepts a status batch of statusItemsMax items and refuses one more', () => {
    const item = signEnvelope(new TextEncoder().encode('{}'), { keyId: 'k', secretKey });
    const full = encodeStatusBatch({ items: Array(statusItemsMax).fill(item) });
    assert.equal(decodeStatusBatch(full).items.length, statusItemsMax);
    const over = encodeStatusBatch({ items: Array(statusItemsMax + 1).fill(item) });
    assert.throws(() => decodeStatusBatch(over), /batch\.items: Too many/);
  });

  it('refuses p2p addresses that do not end in the announced peer id', () => {
    const text = JSON.stringify({ peerId: 'P', addresses: ['/ip4/127.0.0.1/tcp/1/p2p/Q'] });
    assert.throws(() => decodeP2pInfo(text), /p2p\.addresses\[0\]/);
  });
});
