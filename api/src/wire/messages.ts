/**
 * The messages the control plane and agents exchange, each the payload of a `SignedEnvelope`:
 * `NodeDesired` (control plane → one node, over gossip and catch-up) and `NodeStatus`,
 * `PodStatusReport`, `LeaseRenewal`, `EventReport` (node → control plane, over the status
 * protocol; events in `./event-messages.ts`). Decoding is
 * strict (unknown fields, wrong types and oversized lists are refused with field paths) because
 * these bytes come off the network. Pure: no I/O, no clock.
 *
 *   const bytes = sealWireMessage(nodeDesired, signingKey);             // sign and encode
 *   const doc = openWireMessage(bytes, trustedKeys, 'NodeDesired');    // verify and decode
 *   if (doc.revision > held.revision) apply(doc);
 */
import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import type {
  ConfigMap,
  Endpoints,
  NodeStatus as KubeNodeStatus,
  Pod,
  PodStatus,
  Service,
} from 'kubernetes-types/core/v1.js';
import { validateDNS1123Label, validateDNS1123Subdomain } from '../validation/common.ts';
import {
  duplicate,
  formatFieldError,
  invalid,
  notSupported,
  required,
  tooLong,
  type FieldError,
} from '../validation/field-error.ts';
import { InvalidError } from '../validation/invalid-error.ts';
import { eventReportFields, validateEventReportBody, type EventReport } from './event-messages.ts';
import { asRecord, timeErrors, unknownFields } from './wire-fields.ts';
import { child, index } from '../validation/path.ts';
import {
  decodeEnvelope,
  encodeEnvelope,
  fromBase64,
  openEnvelope,
  signEnvelope,
  signedEnvelopeBytesMax,
  type EnvelopeSigningKey,
  type TrustedKeys,
} from './envelope.ts';

export const wireApiVersion = 'wire.wisp.dev/v1';

/** Caps on what one message may carry; a node runs at most a kubelet's worth of pods. */
export const wireLimits = {
  podsPerNodeMax: 250,
  configMapsMax: 1024,
  sealedSecretsMax: 1024,
  servicesMax: 4096,
  endpointsMax: 4096,
  networkPoliciesMax: 4096,
  namespacesMax: 4096,
  meshPeersMax: 4096,
  meshPeerAddressesMax: 16,
  /** One multiaddr: an IPv6 host, a port and a peer id fit many times over. */
  meshPeerAddressBytesMax: 512,
  conditionsMax: 64,
  /** A Secret is capped at 1 MiB in Kubernetes; its sealed box cannot be larger. */
  sealedSecretBytesMax: 1024 * 1024,
  leaseDurationSecondsMax: 3600,
} as const;

const x25519KeyBytes = 32;
const boxNonceBytes = 24;
const boxOverheadBytes = 16;

/** A Secret's data sealed with `nacl.box` to the node's X25519 key from a one-off sender key. */
export interface SealedSecret {
  readonly namespace: string;
  readonly name: string;
  /** Base64 of the sender's one-off X25519 public key. */
  readonly ephemeralPublicKey: string;
  /** Base64 of the 24-byte box nonce. */
  readonly nonce: string;
  /** Base64 of the box: the Secret's JSON, sealed. */
  readonly box: string;
}

interface WireHeader<K extends string> {
  readonly apiVersion: typeof wireApiVersion;
  readonly kind: K;
  readonly nodeName: string;
}

/** Everything one node must run, as of one store revision. */
export interface NodeDesired extends WireHeader<'NodeDesired'> {
  /** The store revision it reflects; a node applies only a revision newer than its own. */
  readonly revision: number;
  readonly pods: readonly Pod[];
  readonly configMaps: readonly ConfigMap[];
  readonly sealedSecrets: readonly SealedSecret[];
  readonly services: readonly Service[];
  readonly endpoints: readonly Endpoints[];
  /** The NetworkPolicies that select pods on this node (the mesh enforces their ingress). */
  readonly networkPolicies?: readonly NetworkPolicy[];
  /** Labels of the namespaces those policies' namespaceSelectors and this node's pods need. */
  readonly namespaces?: readonly MeshNamespace[];
  /** How to reach the nodes that host endpoints this node's mesh may pick. */
  readonly meshPeers?: readonly MeshPeer[];
}

export interface MeshNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A node's libp2p identity, from its certificate, and addresses it was last seen on. */
export interface MeshPeer {
  readonly nodeName: string;
  readonly peerId: string;
  /** Multiaddrs ending in `/p2p/<peerId>`; may be empty (reach it through a relay). */
  readonly addresses: readonly string[];
}

export interface NodeStatus extends WireHeader<'NodeStatus'> {
  /** RFC 3339, on the node's clock. */
  readonly observedAt: string;
  /** The NodeDesired revision the node last applied (0 before the first). */
  readonly appliedRevision: number;
  readonly status: KubeNodeStatus;
}

export interface PodStatusEntry {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly status: PodStatus;
  /**
   * The pod was being deleted and the node has stopped it and released its resources: the
   * control plane may now remove the object (what a kubelet's final delete does).
   */
  readonly removed?: boolean;
}

export interface PodStatusReport extends WireHeader<'PodStatusReport'> {
  readonly observedAt: string;
  readonly pods: readonly PodStatusEntry[];
}

export interface LeaseRenewal extends WireHeader<'LeaseRenewal'> {
  /** RFC 3339 with microseconds, as `Lease.spec.renewTime`. */
  readonly renewTime: string;
  readonly leaseDurationSeconds: number;
}

export type { EventReport } from './event-messages.ts';
export type WireMessage = NodeDesired | NodeStatus | PodStatusReport | LeaseRenewal | EventReport;
export type WireKind = WireMessage['kind'];
export type WireMessageOf<K extends WireKind> = Extract<WireMessage, { kind: K }>;

export const wireKinds: readonly WireKind[] = [
  'NodeDesired',
  'NodeStatus',
  'PodStatusReport',
  'LeaseRenewal',
  'EventReport',
];

const topFields: Record<WireKind, readonly string[]> = {
  NodeDesired: [
    'revision',
    'pods',
    'configMaps',
    'sealedSecrets',
    'services',
    'endpoints',
    'networkPolicies',
    'namespaces',
    'meshPeers',
  ],
  NodeStatus: ['observedAt', 'appliedRevision', 'status'],
  PodStatusReport: ['observedAt', 'pods'],
  LeaseRenewal: ['renewTime', 'leaseDurationSeconds'],
  EventReport: eventReportFields,
};

/** The topic every node's desired state for one site travels on. */
/** Every site topic starts so; gossip allows topics under it by prefix. */
export const siteTopicPrefix = '/wisp/site/';

export function siteTopic(site: string): string {
  return `${siteTopicPrefix}${site || '_'}/1`;
}

/** The cluster-wide topic for revocations and trust changes. */
export const clusterTopic = '/wisp/cluster/1';

export function encodeWireMessage(message: WireMessage): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(message));
}

/** Parses and validates one message; with `expected`, any other kind is refused too. */
export function decodeWireMessage<K extends WireKind>(
  bytes: Uint8Array,
  expected?: K,
): WireMessageOf<K> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new InvalidError('message: Invalid value: not UTF-8 JSON', { cause });
  }
  const errs = validateWireMessage(value);
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (errs.length === 0 && expected !== undefined && kind !== expected) {
    errs.push(notSupported('kind', kind, [expected]));
  }
  if (errs.length) {
    const what = typeof kind === 'string' ? kind : 'message';
    throw new InvalidError(`${what} is invalid: ${errs.map(formatFieldError).join(', ')}`, {
      causes: errs,
    });
  }
  return value as WireMessageOf<K>;
}

/** Signs a message and encodes its envelope: the bytes to publish or send. */
export function sealWireMessage(message: WireMessage, key: EnvelopeSigningKey): Uint8Array {
  return encodeEnvelope(signEnvelope(encodeWireMessage(message), key));
}

/**
 * Verifies an envelope under the trusted keys and decodes the message in it. SignatureError for
 * a bad signature or untrusted key; InvalidError for a malformed envelope or message.
 */
export function openWireMessage<K extends WireKind>(
  bytes: Uint8Array,
  trusted: TrustedKeys,
  expected: K,
  bytesMax: number = signedEnvelopeBytesMax,
): WireMessageOf<K> {
  return decodeWireMessage(openEnvelope(decodeEnvelope(bytes, bytesMax), trusted), expected);
}

export function validateWireMessage(value: unknown): FieldError[] {
  const v = asRecord(value);
  if (!v) return [invalid('message', typeof value, 'must be an object')];
  const errs: FieldError[] = [];
  if (v.apiVersion !== wireApiVersion) {
    errs.push(notSupported('apiVersion', v.apiVersion, [wireApiVersion]));
  }
  const kind = v.kind as WireKind;
  if (!wireKinds.includes(kind)) return [...errs, notSupported('kind', v.kind, wireKinds)];
  errs.push(...unknownFields(v, '', ['apiVersion', 'kind', 'nodeName', ...topFields[kind]]));
  errs.push(...nodeNameErrors(v.nodeName, 'nodeName'));
  errs.push(...kindValidators[kind](v));
  return errs;
}

const kindValidators: Record<WireKind, (v: Record<string, unknown>) => FieldError[]> = {
  NodeDesired: validateNodeDesiredBody,
  NodeStatus: (v) => [
    ...timeErrors(v.observedAt, 'observedAt'),
    ...intErrors(v.appliedRevision, 'appliedRevision', 0, Number.MAX_SAFE_INTEGER),
    ...nodeStatusErrors(v.status, 'status'),
  ],
  PodStatusReport: (v) => [
    ...timeErrors(v.observedAt, 'observedAt'),
    ...listErrors(v.pods, 'pods', wireLimits.podsPerNodeMax, podStatusEntryErrors),
    ...duplicateErrors(v.pods, 'pods', (p) => `${p.namespace}/${p.name}`),
  ],
  LeaseRenewal: (v) => [
    ...timeErrors(v.renewTime, 'renewTime'),
    ...intErrors(
      v.leaseDurationSeconds,
      'leaseDurationSeconds',
      1,
      wireLimits.leaseDurationSecondsMax,
    ),
  ],
  EventReport: validateEventReportBody,
};

function validateNodeDesiredBody(v: Record<string, unknown>): FieldError[] {
  const nodeName = typeof v.nodeName === 'string' ? v.nodeName : undefined;
  const lists: [string, number, (x: unknown, path: string) => FieldError[]][] = [
    ['pods', wireLimits.podsPerNodeMax, (x, p) => podErrors(x, p, nodeName)],
    ['configMaps', wireLimits.configMapsMax, kubeObjectErrors('ConfigMap')],
    ['sealedSecrets', wireLimits.sealedSecretsMax, sealedSecretErrors],
    ['services', wireLimits.servicesMax, kubeObjectErrors('Service')],
    ['endpoints', wireLimits.endpointsMax, kubeObjectErrors('Endpoints')],
  ];
  const errs = intErrors(v.revision, 'revision', 1, Number.MAX_SAFE_INTEGER);
  for (const [field, max, each] of lists) {
    errs.push(...listErrors(v[field], field, max, each));
    errs.push(...duplicateErrors(v[field], field, namespacedKey));
  }
  return [...errs, ...meshFieldErrors(v)];
}

/** The mesh's optional lists: absent in documents from before the mesh. */
function meshFieldErrors(v: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const optional: [string, number, (x: unknown, p: string) => FieldError[], KeyOf][] = [
    [
      'networkPolicies',
      wireLimits.networkPoliciesMax,
      kubeObjectErrors('NetworkPolicy', 'networking.k8s.io/v1'),
      namespacedKey,
    ],
    ['namespaces', wireLimits.namespacesMax, meshNamespaceErrors, (x) => String(x.name)],
    ['meshPeers', wireLimits.meshPeersMax, meshPeerErrors, (x) => String(x.nodeName)],
  ];
  for (const [field, max, each, keyOf] of optional) {
    if (v[field] === undefined) continue;
    errs.push(...listErrors(v[field], field, max, each));
    errs.push(...duplicateErrors(v[field], field, keyOf));
  }
  return errs;
}

type KeyOf = (item: Record<string, unknown>) => string;

function meshNamespaceErrors(value: unknown, path: string): FieldError[] {
  const v = asRecord(value);
  if (!v) return [invalid(path, typeof value, 'must be an object')];
  const errs = unknownFields(v, path, ['name', 'labels']);
  const name = child(path, 'name');
  errs.push(
    ...(typeof v.name === 'string' && v.name
      ? validateDNS1123Label(v.name, name)
      : [required(name)]),
  );
  const labels = asRecord(v.labels);
  if (!labels || Object.values(labels).some((x) => typeof x !== 'string')) {
    errs.push(invalid(child(path, 'labels'), typeof v.labels, 'must map strings to strings'));
  }
  return errs;
}

function meshPeerErrors(value: unknown, path: string): FieldError[] {
  const v = asRecord(value);
  if (!v) return [invalid(path, typeof value, 'must be an object')];
  const errs = [
    ...unknownFields(v, path, ['nodeName', 'peerId', 'addresses']),
    ...nodeNameErrors(v.nodeName, child(path, 'nodeName')),
    ...stringErrors(v.peerId, child(path, 'peerId'), 128),
  ];
  errs.push(
    ...listErrors(v.addresses, child(path, 'addresses'), wireLimits.meshPeerAddressesMax, (a, p) =>
      stringErrors(a, p, wireLimits.meshPeerAddressBytesMax),
    ),
  );
  return errs;
}

function podErrors(value: unknown, path: string, nodeName: string | undefined): FieldError[] {
  const errs = kubeObjectErrors('Pod')(value, path);
  const spec = asRecord(asRecord(value)?.spec);
  if (!spec) return [...errs, required(child(path, 'spec'))];
  if (nodeName !== undefined && spec.nodeName !== nodeName) {
    errs.push(invalid(child(path, 'spec.nodeName'), spec.nodeName, 'must be the message nodeName'));
  }
  return errs;
}

/** The apiVersion, the kind, a namespaced name: enough to file the object; the rest is opaque. */
function kubeObjectErrors(kind: string, apiVersion = 'v1') {
  return (value: unknown, path: string): FieldError[] => {
    const v = asRecord(value);
    if (!v) return [invalid(path, typeof value, 'must be an object')];
    const errs: FieldError[] = [];
    if (v.apiVersion !== apiVersion)
      errs.push(notSupported(child(path, 'apiVersion'), v.apiVersion, [apiVersion]));
    if (v.kind !== kind) errs.push(notSupported(child(path, 'kind'), v.kind, [kind]));
    const meta = asRecord(v.metadata);
    if (!meta) return [...errs, required(child(path, 'metadata'))];
    errs.push(...nameErrors(meta.namespace, meta.name, child(path, 'metadata')));
    return errs;
  };
}

function sealedSecretErrors(value: unknown, path: string): FieldError[] {
  const v = asRecord(value);
  if (!v) return [invalid(path, typeof value, 'must be an object')];
  const fields = ['namespace', 'name', 'ephemeralPublicKey', 'nonce', 'box'];
  const box = wireLimits.sealedSecretBytesMax + boxOverheadBytes;
  return [
    ...unknownFields(v, path, fields),
    ...nameErrors(v.namespace, v.name, path),
    ...base64Errors(
      v.ephemeralPublicKey,
      child(path, 'ephemeralPublicKey'),
      x25519KeyBytes,
      x25519KeyBytes,
    ),
    ...base64Errors(v.nonce, child(path, 'nonce'), boxNonceBytes, boxNonceBytes),
    ...base64Errors(v.box, child(path, 'box'), boxOverheadBytes, box),
  ];
}

function podStatusEntryErrors(value: unknown, path: string): FieldError[] {
  const v = asRecord(value);
  if (!v) return [invalid(path, typeof value, 'must be an object')];
  const errs = [
    ...unknownFields(v, path, ['namespace', 'name', 'uid', 'status', 'removed']),
    ...nameErrors(v.namespace, v.name, path),
    ...stringErrors(v.uid, child(path, 'uid'), 128),
  ];
  if (!asRecord(v.status)) errs.push(required(child(path, 'status')));
  if (v.removed !== undefined && typeof v.removed !== 'boolean') {
    errs.push(invalid(child(path, 'removed'), v.removed, 'must be a boolean'));
  }
  return errs;
}

function nodeStatusErrors(value: unknown, path: string): FieldError[] {
  const v = asRecord(value);
  if (!v) return [required(path)];
  if (v.conditions === undefined) return [];
  return listErrors(v.conditions, child(path, 'conditions'), wireLimits.conditionsMax, (c, p) =>
    asRecord(c) ? [] : [invalid(p, typeof c, 'must be an object')],
  );
}

function nameErrors(namespace: unknown, name: unknown, path: string): FieldError[] {
  const ns = child(path, 'namespace');
  const n = child(path, 'name');
  return [
    ...(typeof namespace === 'string' && namespace
      ? validateDNS1123Label(namespace, ns)
      : [required(ns)]),
    ...(typeof name === 'string' && name ? validateDNS1123Subdomain(name, n) : [required(n)]),
  ];
}

function nodeNameErrors(value: unknown, path: string): FieldError[] {
  return typeof value === 'string' && value
    ? validateDNS1123Subdomain(value, path)
    : [required(path)];
}

function listErrors(
  value: unknown,
  path: string,
  max: number,
  each: (item: unknown, path: string) => FieldError[],
): FieldError[] {
  if (!Array.isArray(value)) return [required(path, 'must be a list')];
  if (value.length > max) return [invalid(path, value.length, `must have at most ${max} items`)];
  return value.flatMap((item, i) => each(item, index(path, i)));
}

function duplicateErrors(
  value: unknown,
  path: string,
  keyOf: (item: Record<string, unknown>) => string,
): FieldError[] {
  if (!Array.isArray(value)) return [];
  const seen = new Set<string>();
  const errs: FieldError[] = [];
  value.forEach((item, i) => {
    const r = asRecord(item);
    if (!r) return;
    const key = keyOf(r);
    if (seen.has(key)) errs.push(duplicate(index(path, i), key));
    seen.add(key);
  });
  return errs;
}

function namespacedKey(item: Record<string, unknown>): string {
  const meta = asRecord(item.metadata) ?? item;
  return `${String(meta.namespace)}/${String(meta.name)}`;
}

function intErrors(value: unknown, path: string, min: number, max: number): FieldError[] {
  if (value === undefined) return [required(path)];
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    return [invalid(path, value, `must be an integer from ${min} to ${max}`)];
  }
  return [];
}

function stringErrors(value: unknown, path: string, bytesMax: number): FieldError[] {
  if (typeof value !== 'string' || value === '') return [required(path)];
  return value.length > bytesMax ? [tooLong(path, bytesMax)] : [];
}

function base64Errors(
  value: unknown,
  path: string,
  bytesMin: number,
  bytesMax: number,
): FieldError[] {
  if (typeof value !== 'string' || value === '') return [required(path)];
  if (value.length > Math.ceil(bytesMax / 3) * 4) return [tooLong(path, bytesMax)];
  const bytes = fromBase64(value);
  if (!bytes) return [invalid(path, '…', 'must be canonical base64')];
  if (bytes.length < bytesMin || bytes.length > bytesMax) {
    const want = bytesMin === bytesMax ? `${bytesMin}` : `${bytesMin} to ${bytesMax}`;
    return [invalid(path, '…', `must decode to ${want} bytes`)];
  }
  return [];
}
