import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  eventKey,
  eventLimits,
  truncateEventMessage,
  type EventReport,
  type ReportedEvent,
} from './event-messages.ts';
import { decodeWireMessage, encodeWireMessage, validateWireMessage } from './messages.ts';

const t = '2026-01-02T03:04:05Z';

function event(over: Partial<Record<keyof ReportedEvent, unknown>> = {}): ReportedEvent {
  return {
    involvedObject: {
      kind: 'Pod',
      namespace: 'default',
      name: 'web-1',
      uid: 'u-1',
      fieldPath: 'spec.containers{app}',
    },
    type: 'Warning',
    reason: 'Failed',
    message: 'Failed to pull image "x": digest mismatch',
    count: 1,
    firstTimestamp: t,
    lastTimestamp: t,
    ...over,
  } as ReportedEvent;
}

function report(events: unknown[]): EventReport {
  return {
    apiVersion: 'wire.wisp.dev/v1',
    kind: 'EventReport',
    nodeName: 'edge-1',
    events: events as ReportedEvent[],
  };
}

const fields = (value: unknown) => validateWireMessage(value).map((e) => e.field);

describe('EventReport', () => {
  it('round-trips a pod event and a node event through encode and decode', () => {
    const node = event({
      involvedObject: { kind: 'Node', name: 'edge-1', uid: 'edge-1' },
      type: 'Normal',
      reason: 'NodeReady',
      message: 'Node edge-1 status is now: NodeReady',
    });
    const r = report([event(), node]);
    assert.deepEqual(decodeWireMessage(encodeWireMessage(r), 'EventReport'), r);
  });

  it('refuses unknown fields, bad types and missing values with their field paths', () => {
    assert.deepEqual(fields(report([event({ type: 'Info', extra: 1 } as never)])), [
      'events[0].extra',
      'events[0].type',
    ]);
    assert.deepEqual(fields(report([event({ reason: '' })])), ['events[0].reason']);
    assert.deepEqual(fields(report([event({ count: 0 })])), ['events[0].count']);
    assert.deepEqual(fields(report([event({ firstTimestamp: 'yesterday' })])), [
      'events[0].firstTimestamp',
    ]);
  });

  it('refuses a pod reference without a namespace and a node reference with one', () => {
    const pod = event({ involvedObject: { kind: 'Pod', name: 'web-1' } });
    const node = event({ involvedObject: { kind: 'Node', name: 'edge-1', namespace: 'default' } });
    const other = event({ involvedObject: { kind: 'Service', name: 's', namespace: 'default' } });
    assert.deepEqual(fields(report([pod, node, other])), [
      'events[0].involvedObject.namespace',
      'events[1].involvedObject.namespace',
      'events[2].involvedObject.kind',
    ]);
  });

  it('refuses a lastTimestamp before the firstTimestamp', () => {
    const e = event({ firstTimestamp: '2026-01-02T03:04:06Z' });
    assert.deepEqual(fields(report([e])), ['events[0].lastTimestamp']);
  });

  it('caps the events per report, the reason and the message at their limits', () => {
    const max = eventLimits.eventsPerReportMax;
    assert.deepEqual(fields(report(Array.from({ length: max }, () => event()))), []);
    assert.deepEqual(fields(report(Array.from({ length: max + 1 }, () => event()))), ['events']);
    const reason = 'R'.repeat(eventLimits.eventReasonCharsMax);
    assert.deepEqual(fields(report([event({ reason })])), []);
    assert.deepEqual(fields(report([event({ reason: `${reason}R` })])), ['events[0].reason']);
    const message = 'm'.repeat(eventLimits.eventMessageCharsMax);
    assert.deepEqual(fields(report([event({ message })])), []);
    assert.deepEqual(fields(report([event({ message: `${message}m` })])), ['events[0].message']);
  });

  it('truncates a long message to exactly the wire limit and leaves a short one alone', () => {
    const long = truncateEventMessage('x'.repeat(5000));
    assert.equal(long.length, eventLimits.eventMessageCharsMax);
    assert.ok(long.endsWith('...'));
    assert.equal(truncateEventMessage('short'), 'short');
  });

  it('keys repeats of one event alike and a different message or container apart', () => {
    assert.equal(eventKey(event()), eventKey(event({ count: 7, lastTimestamp: t })));
    assert.notEqual(eventKey(event()), eventKey(event({ message: 'other' })));
    const other = { ...event().involvedObject, fieldPath: 'spec.containers{side}' };
    assert.notEqual(eventKey(event()), eventKey(event({ involvedObject: other })));
  });
});
