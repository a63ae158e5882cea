/**
 * Options and shapes of the Kubernetes REST client.
 */
import type { KubeObject, ResourceInfo } from '@wisp/api';

/** What the client needs to address a resource; every `ResourceInfo` of `@wisp/api` is one. */
export type ResourceRef = Pick<ResourceInfo, 'group' | 'version' | 'plural' | 'namespaced'>;

export interface RequestOptions {
  /** Aborts the request (and ends a watch). */
  readonly signal?: AbortSignal;
}

export interface GetOptions extends RequestOptions {
  readonly resourceVersion?: string;
}

export interface ListOptions extends RequestOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
}

export interface WatchOptions extends ListOptions {
  readonly allowWatchBookmarks?: boolean;
  /** The server ends the watch after this long; the caller lists and watches again. */
  readonly timeoutSeconds?: number;
  readonly sendInitialEvents?: boolean;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions extends RequestOptions {
  readonly fieldManager?: string;
  readonly dryRun?: boolean;
  readonly fieldValidation?: FieldValidation;
  /** Writes only `status` (controllers and agents). */
  readonly subresource?: 'status';
}

export interface PatchOptions extends WriteOptions {
  /** Server-side apply: take over fields another manager owns. */
  readonly force?: boolean;
}

export interface DeleteOptions extends RequestOptions {
  readonly gracePeriodSeconds?: number;
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly dryRun?: boolean;
}

/** json-patch, merge-patch, strategic-merge-patch, apply-patch (server-side apply). */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  readonly type: WatchEventType;
  readonly object: T;
}

export interface KubeClientInit {
  /** `https://host:port` (`http://` only for local test servers). */
  readonly server: string;
  /** The CA that must have signed the server's certificate; the only one trusted. */
  readonly caPem?: string;
  readonly certPem?: string;
  readonly keyPem?: string;
  readonly token?: string;
  /** The namespace of the kubeconfig context, for callers that want one. */
  readonly namespace?: string;
  /** For local experiments only; CA pinning is the point of `caPem`. */
  readonly insecureSkipTlsVerify?: boolean;
  /** Idle keep-alive sockets kept per server. */
  readonly idleSocketsMax?: number;
  /** Needs a `clock` in the components; watches are exempt. 0 or unset: no timeout. */
  readonly requestTimeoutMs?: number;
  /** Largest non-watch answer accepted. */
  readonly responseBytesMax?: number;
  /** Largest single watch event accepted. */
  readonly watchEventBytesMax?: number;
  readonly userAgent?: string;
}

export const RESPONSE_BYTES_MAX = 64 * 1024 * 1024;
export const WATCH_EVENT_BYTES_MAX = 16 * 1024 * 1024;
export const IDLE_SOCKETS_MAX = 16;
