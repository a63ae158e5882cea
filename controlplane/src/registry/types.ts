/**
 * Shapes shared by the registry's verbs and its callers (the HTTP layer and in-process
 * controllers).
 */
import type { KubeObject, ResourceInfo } from '@wisp/api';

export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
  readonly uid?: string;
}

export interface WriteOptions {
  /** `dryRun=All`: run every step but the store write. */
  readonly dryRun?: boolean;
  /** The field manager recorded in managedFields. */
  readonly fieldManager?: string;
  /**
   * `status` writes touch only the status; `binding` writes only set `spec.nodeName` and are
   * exempt from the pod-update rule that forbids that.
   */
  readonly subresource?: 'status' | 'binding';
  readonly user?: UserInfo;
}

export interface DeleteOptions extends WriteOptions {
  readonly gracePeriodSeconds?: number;
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  readonly preconditions?: { uid?: string; resourceVersion?: string };
  /** Set by the eviction subresource, so a disruption-budget admission step can refuse it. */
  readonly eviction?: boolean;
}

export interface ListQuery {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
}

export interface WatchQuery extends ListQuery {
  readonly allowWatchBookmarks?: boolean;
  readonly timeoutSeconds?: number;
  readonly sendInitialEvents?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface ObjectEvent {
  readonly type: WatchEventType;
  readonly object: KubeObject;
}

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

/**
 * A step every write passes through after defaulting and before validation (allocation of
 * ClusterIPs, for instance). It may change `obj`; throwing refuses the write.
 */
export interface AdmissionPlugin {
  readonly name: string;
  admit(
    op: AdmissionOperation,
    info: ResourceInfo,
    obj: KubeObject,
    old: KubeObject | undefined,
    options: WriteOptions,
  ): Promise<void> | void;
}
