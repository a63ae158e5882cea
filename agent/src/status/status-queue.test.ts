import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusQueue } from './status-queue.ts';

describe('StatusQueue', () => {
  it('keeps only the latest status per object', () => {
    const q = new StatusQueue<string>(10);
    q.put('pod/a', 'a1');
    q.put('pod/b', 'b1');
    q.put('pod/a', 'a2');
    assert.deepEqual(q.entries(), [
      ['pod/b', 'b1'],
      ['pod/a', 'a2'],
    ]);
  });

  it('drops the oldest entry at statusQueueItemsMax', () => {
    const q = new StatusQueue<number>(3);
    for (let i = 0; i < 5; i++) q.put(`pod/${i}`, i);
    assert.equal(q.size, 3);
    assert.equal(q.dropped, 2);
    assert.deepEqual(
      q.entries().map(([k]) => k),
      ['pod/2', 'pod/3', 'pod/4'],
    );
  });

  it('keeps a newer status put while the older one was being sent', () => {
    const q = new StatusQueue<string>(3);
    q.put('node', 'v1');
    const [[key, sent]] = q.entries();
    q.put('node', 'v2');
    q.remove(key, sent);
    assert.deepEqual(q.entries(), [['node', 'v2']]);
  });

  it('drops the oldest dropFirst entry before any other when full', () => {
    const q = new StatusQueue<number>(3, (k) => k.startsWith('event/'));
    q.put('node', 0);
    q.put('event/a', 1);
    q.put('event/b', 2);
    q.put('pod/x', 3);
    q.put('pod/y', 4);
    assert.deepEqual(
      q.entries().map(([k]) => k),
      ['node', 'pod/x', 'pod/y'],
    );
    q.put('pod/z', 5);
    assert.deepEqual(
      q.entries().map(([k]) => k),
      ['pod/x', 'pod/y', 'pod/z'],
      'with no event left, the oldest of all goes',
    );
    assert.equal(q.dropped, 3);
    assert.equal(q.get('pod/y'), 4);
  });

  it('refuses a limit below one', () => {
    assert.throws(() => new StatusQueue(0), /statusQueueItemsMax/);
  });
});
