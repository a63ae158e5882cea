/**
 * A small typed Kubernetes REST client for tests, fake agents and tools: the verbs kubectl and
 * the kubelet use, over one keep-alive HTTPS agent, with errors as named classes that carry the
 * server's `Status`.
 *
 *   const client = kubeClientFromKubeconfig(readFileSync('admin.kubeconfig', 'utf8'));
 *   const pods = await client.list<Pod>(PODS, 'default', { labelSelector: 'app=web' });
 *   for await (const ev of client.watch(PODS, 'default', { resourceVersion, signal })) ...
 *   client.close();
 */
import type { KubeList, KubeObject, Status } from '@wisp/api';
import type { Clock } from '@wisp/core';
import { resourcePath, withQuery } from './paths.ts';
import { createRequester, requestHeaders } from './request.ts';
import type { RawRequest } from './request.ts';
import { createTransport } from './transport.ts';
import type {
  DeleteOptions,
  GetOptions,
  KubeClientInit,
  ListOptions,
  PatchOptions,
  PatchType,
  ResourceRef,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from './types.ts';
import { watchStream } from './watch.ts';

export type { RawRequest } from './request.ts';

export interface KubeClientComponents {
  /** Needed only for `requestTimeoutMs`. */
  readonly clock?: Clock;
}

export interface KubeClient {
  readonly server: string;
  /** The kubeconfig context's namespace, else `default`. */
  readonly namespace: string;
  get<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    ns: string | undefined,
    name: string,
    opts?: GetOptions,
  ): Promise<T>;
  list<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    ns: string | undefined,
    opts?: ListOptions,
  ): Promise<KubeList<T>>;
  create<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    ns: string | undefined,
    obj: T,
    opts?: WriteOptions,
  ): Promise<T>;
  /** PUT of `obj` (named by `obj.metadata.name`); a resourceVersion in it makes it a CAS. */
  update<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    ns: string | undefined,
    obj: T,
    opts?: WriteOptions,
  ): Promise<T>;
  /** `update` of the status subresource. */
  updateStatus<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    ns: string | undefined,
    obj: T,
    opts?: WriteOptions,
  ): Promise<T>;
  patch<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    ns: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    opts?: PatchOptions,
  ): Promise<T>;
  /** The object when deletion is graceful or finalized, else the server's Status. */
  delete(
    res: ResourceRef,
    ns: string | undefined,
    name: string,
    opts?: DeleteOptions,
  ): Promise<KubeObject | Status>;
  /**
   * Events until the server ends the watch, `opts.signal` aborts, or the loop breaks. An ERROR
   * event is thrown as its named error (`KubeGoneError` for a compacted resourceVersion).
   */
  watch<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    ns: string | undefined,
    opts?: WatchOptions,
  ): AsyncIterable<WatchEvent<T>>;
  /** POST to a subresource: `binding`, `eviction`. */
  postSubresource<T = Status>(
    res: ResourceRef,
    ns: string | undefined,
    name: string,
    subresource: string,
    body: unknown,
    opts?: WriteOptions,
  ): Promise<T>;
  /** Any other request; the answer decoded as JSON (errors as for every verb). */
  request<T = unknown>(req: RawRequest): Promise<T>;
  /** Frees the keep-alive sockets; in-flight requests fail. */
  close(): void;
}

const PATCH_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export function createKubeClient(
  init: KubeClientInit,
  components: KubeClientComponents = {},
): KubeClient {
  const transport = createTransport(init);
  const request = createRequester(init, transport, components.clock);
  const baseHeaders = requestHeaders(init);

  const client: KubeClient = {
    server: init.server,
    namespace: init.namespace ?? 'default',
    get: (res, ns, name, opts = {}) =>
      request({
        method: 'GET',
        path: withQuery(resourcePath(res, ns, name), { resourceVersion: opts.resourceVersion }),
        signal: opts.signal,
      }),
    list: (res, ns, opts = {}) =>
      request({
        method: 'GET',
        path: withQuery(resourcePath(res, ns), listQuery(opts)),
        signal: opts.signal,
      }),
    create: (res, ns, obj, opts = {}) =>
      request({
        method: 'POST',
        path: withQuery(resourcePath(res, ns), writeQuery(opts)),
        body: obj,
        signal: opts.signal,
      }),
    update: (res, ns, obj, opts = {}) =>
      request({
        method: 'PUT',
        path: withQuery(resourcePath(res, ns, nameOf(obj), opts.subresource), writeQuery(opts)),
        body: obj,
        signal: opts.signal,
      }),
    updateStatus: (res, ns, obj, opts = {}) =>
      client.update(res, ns, obj, { ...opts, subresource: 'status' }),
    patch: (res, ns, name, type, patch, opts = {}) =>
      request({
        method: 'PATCH',
        path: withQuery(resourcePath(res, ns, name, opts.subresource), writeQuery(opts)),
        body: patch,
        contentType: PATCH_TYPES[type],
        signal: opts.signal,
      }),
    delete: (res, ns, name, opts = {}) =>
      request({
        method: 'DELETE',
        path: resourcePath(res, ns, name),
        body: deleteBody(opts),
        signal: opts.signal,
      }),
    watch: (res, ns, opts = {}) =>
      watchStream(transport, {
        path: withQuery(resourcePath(res, ns), {
          ...listQuery(opts),
          limit: undefined,
          continue: undefined,
          watch: 'true',
          allowWatchBookmarks: opts.allowWatchBookmarks,
          timeoutSeconds: opts.timeoutSeconds,
          sendInitialEvents: opts.sendInitialEvents,
        }),
        headers: { ...baseHeaders, accept: 'application/json' },
        signal: opts.signal,
        eventBytesMax: init.watchEventBytesMax,
      }),
    postSubresource: (res, ns, name, subresource, body, opts = {}) =>
      request({
        method: 'POST',
        path: withQuery(resourcePath(res, ns, name, subresource), writeQuery(opts)),
        body,
        signal: opts.signal,
      }),
    request,
    close: () => transport.close(),
  };
  return client;
}

function writeQuery(opts: WriteOptions | PatchOptions = {}) {
  return {
    fieldManager: opts.fieldManager,
    fieldValidation: opts.fieldValidation,
    dryRun: opts.dryRun ? 'All' : undefined,
    force: 'force' in opts ? opts.force : undefined,
  };
}

function nameOf(obj: KubeObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new TypeError('metadata.name: Required value');
  return name;
}

function listQuery(opts: ListOptions) {
  return {
    labelSelector: opts.labelSelector,
    fieldSelector: opts.fieldSelector,
    limit: opts.limit,
    continue: opts.continue,
    resourceVersion: opts.resourceVersion,
  };
}

function deleteBody(opts: DeleteOptions): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'DeleteOptions',
    ...(opts.gracePeriodSeconds !== undefined
      ? { gracePeriodSeconds: opts.gracePeriodSeconds }
      : {}),
    ...(opts.propagationPolicy ? { propagationPolicy: opts.propagationPolicy } : {}),
    ...(opts.preconditions ? { preconditions: opts.preconditions } : {}),
    ...(opts.dryRun ? { dryRun: ['All'] } : {}),
  };
}
