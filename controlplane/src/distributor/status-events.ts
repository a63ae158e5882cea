/**
 * Writes a node's `EventReport` as core/v1 Events, as the kubelet's event recorder would have
 * over REST: in the pod's namespace (`default` for the node's own events), with
 * `source: {component: kubelet, host: <node>}`, and aggregated — the same object, type, reason
 * and message land on one Event whose `count` grows and whose `lastTimestamp` moves, instead of
 * a new object each time. The Event's name is derived from that key, so repeats find it without
 * a cache, on any control plane replica, and after a restart.
 *
 * A node may only speak of itself and of pods bound to it: an event about another node's pod is
 * refused before the node authorizer is asked to allow the write (create, or patch when the
 * Event exists).
 *
 *   const results = await applyEventReport(report, { registry, user, guarded });
 */
import { createHash } from 'node:crypto';
import { findResource, type KubeObject } from '@wisp/api';
import { eventKey, type ReportedEvent } from '@wisp/api/wire/event-messages.ts';
import type { EventReport } from '@wisp/api/wire/messages.ts';
import type { StatusResultCode } from '@wisp/api/wire/protocols.ts';
import type { RequestAttributes } from '../auth/attributes.ts';
import type { UserInfo } from '../auth/user-info.ts';
import type { Registry } from '../registry/registry.ts';
import type { ItemResult } from './status-apply.ts';

const EVENTS = findResource('', 'events')!;
const PODS = findResource('', 'pods')!;
export const eventSourceComponent = 'kubelet';
/** core/v1 Event `count` is an int32. */
export const eventCountStoredMax = 2_147_483_647;
const nameBytesMax = 253;
const nameHashChars = 16;

export type GuardedWrite = (
  user: UserInfo,
  attrs: RequestAttributes,
  write: () => Promise<unknown>,
) => Promise<{ ok: boolean; code: StatusResultCode; message?: string }>;

export interface EventApplyContext {
  readonly registry: Registry;
  /** `system:node:<name>` of the reporting node. */
  readonly user: UserInfo;
  /** Authorizes the write, runs it, and turns what it throws into a result code. */
  readonly guarded: GuardedWrite;
  readonly fieldManager?: string;
}

/** `<object name>.<hash of the aggregation key>`: stable across repeats, short enough. */
export function eventObjectName(nodeName: string, e: ReportedEvent): string {
  const hash = createHash('sha256')
    .update(`${nodeName}\n${eventKey(e)}`)
    .digest('hex');
  const base = e.involvedObject.name.slice(0, nameBytesMax - nameHashChars - 1).replace(/\.+$/, '');
  return `${base}.${hash.slice(0, nameHashChars)}`;
}

export async function applyEventReport(
  m: EventReport,
  ctx: EventApplyContext,
): Promise<ItemResult[]> {
  const out: ItemResult[] = [];
  for (const e of m.events) out.push(await applyOne(m.nodeName, e, ctx));
  return out;
}

async function applyOne(node: string, e: ReportedEvent, ctx: EventApplyContext) {
  const o = e.involvedObject;
  const what = o.kind === 'Pod' ? { pod: `${o.namespace}/${o.name}` } : {};
  const base = { kind: 'EventReport', ...what };
  const target = await targetOf(node, e, ctx.registry);
  if ('code' in target) return { ...base, ok: false, ...target };
  const name = eventObjectName(node, e);
  const { registry, user } = ctx;
  const exists = await registry.get(EVENTS, target.namespace, name).then(
    () => true,
    () => false,
  );
  const attrs = {
    verb: exists ? 'patch' : 'create',
    resource: 'events',
    namespace: target.namespace,
    name,
  };
  const fieldManager = ctx.fieldManager ?? eventSourceComponent;
  const r = await ctx.guarded(user, attrs, () =>
    registry.modify(
      EVENTS,
      target.namespace,
      name,
      (cur) => (cur ? aggregated(cur, e) : newEvent(node, name, target.namespace, target.uid, e)),
      { user, fieldManager },
    ),
  );
  return { ...base, ...r };
}

type Target = { namespace: string; uid: string } | { code: StatusResultCode; message: string };

/** Where the event goes, once the object is known to be the node or one of its pods. */
async function targetOf(node: string, e: ReportedEvent, registry: Registry): Promise<Target> {
  const o = e.involvedObject;
  if (o.kind === 'Node') {
    if (o.name === node) return { namespace: 'default', uid: o.uid ?? node };
    return {
      code: 'refused',
      message: `node "${node}" may not report events for node "${o.name}"`,
    };
  }
  const ns = o.namespace!;
  let pod: KubeObject;
  try {
    pod = await registry.get(PODS, ns, o.name);
  } catch {
    return { code: 'not-found', message: `pods "${o.name}" not found in namespace "${ns}"` };
  }
  const boundTo = (pod as { spec?: { nodeName?: string } }).spec?.nodeName;
  if (boundTo !== node) {
    return { code: 'refused', message: `node "${node}" has no pod "${ns}/${o.name}" bound to it` };
  }
  const uid = pod.metadata.uid ?? '';
  // An event about an earlier pod of the same name must not land on its successor.
  if (o.uid !== undefined && o.uid !== uid) {
    return { code: 'conflict', message: `pod ${ns}/${o.name}: uid is ${uid}, not ${o.uid}` };
  }
  return { namespace: ns, uid };
}

function newEvent(node: string, name: string, ns: string, uid: string, e: ReportedEvent) {
  const o = e.involvedObject;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: ns },
    involvedObject: {
      apiVersion: 'v1',
      kind: o.kind,
      name: o.name,
      ...(o.kind === 'Pod' ? { namespace: ns } : {}),
      uid,
      ...(o.fieldPath ? { fieldPath: o.fieldPath } : {}),
    },
    type: e.type,
    reason: e.reason,
    message: e.message,
    count: Math.min(e.count, eventCountStoredMax),
    firstTimestamp: e.firstTimestamp,
    lastTimestamp: e.lastTimestamp,
    source: { component: eventSourceComponent, host: node },
    reportingComponent: eventSourceComponent,
    reportingInstance: node,
  } as KubeObject;
}

function aggregated(cur: KubeObject, e: ReportedEvent): KubeObject {
  const was = cur as { count?: number; firstTimestamp?: string; lastTimestamp?: string };
  const count = Math.min((was.count ?? 1) + e.count, eventCountStoredMax);
  return {
    ...cur,
    count,
    firstTimestamp: earlier(was.firstTimestamp, e.firstTimestamp),
    lastTimestamp: later(was.lastTimestamp, e.lastTimestamp),
  } as KubeObject;
}

function earlier(a: string | undefined, b: string): string {
  return a !== undefined && Date.parse(a) <= Date.parse(b) ? a : b;
}

function later(a: string | undefined, b: string): string {
  return a !== undefined && Date.parse(a) >= Date.parse(b) ? a : b;
}
