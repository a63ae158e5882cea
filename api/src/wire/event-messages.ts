/**
 * `EventReport`: Kubernetes Events a node's kubelet emitted (Pulling, Pulled, Failed, BackOff,
 * Created, Started, Killing, Unhealthy, OOMKilling, and the node's own Starting and NodeReady),
 * sent over the status protocol like statuses. The agent aggregates repeats before they leave
 * (`count` is the occurrences since the last report that got through); the control plane turns
 * each into a core/v1 Event and aggregates again against what is stored. Validation is strict and
 * every field is capped, as for the other wire messages.
 *
 *   const report: EventReport = { apiVersion: wireApiVersion, kind: 'EventReport', nodeName,
 *     events: [{ involvedObject: { kind: 'Pod', namespace, name, uid }, type: 'Normal',
 *       reason: 'Pulled', message: 'Successfully pulled image "…"', count: 1,
 *       firstTimestamp: t, lastTimestamp: t }] };
 */
import { validateDNS1123Label, validateDNS1123Subdomain } from '../validation/common.ts';
import {
  invalid,
  notSupported,
  required,
  tooLong,
  type FieldError,
} from '../validation/field-error.ts';
import { asRecord, timeErrors, unknownFields } from './wire-fields.ts';
import { child, index } from '../validation/path.ts';

export const eventLimits = {
  eventsPerReportMax: 64,
  /** As core/v1 Event `reason` in events.k8s.io. */
  eventReasonCharsMax: 128,
  /** As events.k8s.io `note`; the agent truncates longer messages. */
  eventMessageCharsMax: 1024,
  eventUidCharsMax: 128,
  eventFieldPathCharsMax: 256,
  eventCountMax: 1_000_000_000,
} as const;

export type EventType = 'Normal' | 'Warning';
export const eventTypes: readonly EventType[] = ['Normal', 'Warning'];

/** What an event is about: one of the node's pods (with a container's fieldPath) or the node. */
export interface EventObjectRef {
  readonly kind: 'Pod' | 'Node';
  /** Pods only. */
  readonly namespace?: string;
  readonly name: string;
  readonly uid?: string;
  /** `spec.containers{name}` for a container's event. */
  readonly fieldPath?: string;
}

/** One event as it happened on the node, before any time or count is put on it. */
export interface AgentEvent {
  readonly involvedObject: EventObjectRef;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
}

export interface ReportedEvent extends AgentEvent {
  /** Occurrences since the last report of the same event reached the control plane. */
  readonly count: number;
  /** RFC 3339, on the node's clock. */
  readonly firstTimestamp: string;
  readonly lastTimestamp: string;
}

export interface EventReport {
  readonly apiVersion: 'wire.wisp.dev/v1';
  readonly kind: 'EventReport';
  readonly nodeName: string;
  readonly events: readonly ReportedEvent[];
}

export const eventReportFields: readonly string[] = ['events'];

/** Repeats of one event share this key: kubelet-style aggregation on both sides. */
export function eventKey(e: AgentEvent): string {
  const o = e.involvedObject;
  return JSON.stringify([
    o.kind,
    o.namespace ?? '',
    o.name,
    o.uid ?? '',
    o.fieldPath ?? '',
    e.type,
    e.reason,
    e.message,
  ]);
}

/** Cuts a message to what the wire carries, marking the cut as the kubelet does. */
export function truncateEventMessage(message: string): string {
  const max = eventLimits.eventMessageCharsMax;
  return message.length <= max ? message : `${message.slice(0, max - 3)}...`;
}

/** Field errors of an EventReport's body (the header is checked with the other kinds). */
export function validateEventReportBody(v: Record<string, unknown>): FieldError[] {
  const list = v.events;
  if (!Array.isArray(list)) return [required('events', 'must be a list')];
  if (list.length > eventLimits.eventsPerReportMax) {
    return [invalid('events', list.length, `must have at most ${eventLimits.eventsPerReportMax}`)];
  }
  return list.flatMap((e, i) => reportedEventErrors(e, index('events', i)));
}

const eventFields = [
  'involvedObject',
  'type',
  'reason',
  'message',
  'count',
  'firstTimestamp',
  'lastTimestamp',
];

function reportedEventErrors(value: unknown, path: string): FieldError[] {
  const v = asRecord(value);
  if (!v) return [invalid(path, typeof value, 'must be an object')];
  const L = eventLimits;
  const errs = [
    ...unknownFields(v, path, eventFields),
    ...objectRefErrors(v.involvedObject, child(path, 'involvedObject')),
    ...stringErrors(v.reason, child(path, 'reason'), L.eventReasonCharsMax, true),
    ...stringErrors(v.message, child(path, 'message'), L.eventMessageCharsMax, false),
    ...timeErrors(v.firstTimestamp, child(path, 'firstTimestamp')),
    ...timeErrors(v.lastTimestamp, child(path, 'lastTimestamp')),
  ];
  if (!eventTypes.includes(v.type as EventType)) {
    errs.push(notSupported(child(path, 'type'), v.type, eventTypes));
  }
  if (
    !Number.isSafeInteger(v.count) ||
    (v.count as number) < 1 ||
    (v.count as number) > L.eventCountMax
  ) {
    errs.push(
      invalid(child(path, 'count'), v.count, `must be an integer from 1 to ${L.eventCountMax}`),
    );
  }
  const first = Date.parse(String(v.firstTimestamp));
  if (first > Date.parse(String(v.lastTimestamp))) {
    errs.push(
      invalid(child(path, 'lastTimestamp'), v.lastTimestamp, 'must not be before firstTimestamp'),
    );
  }
  return errs;
}

function objectRefErrors(value: unknown, path: string): FieldError[] {
  const v = asRecord(value);
  if (!v) return [required(path)];
  const L = eventLimits;
  const errs = unknownFields(v, path, ['kind', 'namespace', 'name', 'uid', 'fieldPath']);
  const name = child(path, 'name');
  errs.push(
    ...(typeof v.name === 'string' && v.name
      ? validateDNS1123Subdomain(v.name, name)
      : [required(name)]),
  );
  const ns = child(path, 'namespace');
  if (v.kind === 'Pod') {
    errs.push(
      ...(typeof v.namespace === 'string' && v.namespace
        ? validateDNS1123Label(v.namespace, ns)
        : [required(ns)]),
    );
  } else if (v.kind === 'Node') {
    if (v.namespace !== undefined) errs.push(invalid(ns, v.namespace, 'must be unset for a Node'));
  } else {
    errs.push(notSupported(child(path, 'kind'), v.kind, ['Pod', 'Node']));
  }
  if (v.uid !== undefined)
    errs.push(...stringErrors(v.uid, child(path, 'uid'), L.eventUidCharsMax, true));
  if (v.fieldPath !== undefined) {
    errs.push(
      ...stringErrors(v.fieldPath, child(path, 'fieldPath'), L.eventFieldPathCharsMax, true),
    );
  }
  return errs;
}

function stringErrors(
  value: unknown,
  path: string,
  charsMax: number,
  nonEmpty: boolean,
): FieldError[] {
  if (typeof value !== 'string' || (nonEmpty && value === '')) return [required(path)];
  return value.length > charsMax ? [tooLong(path, charsMax)] : [];
}
