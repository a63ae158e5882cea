/**
 * The pods bound to one node, kept by list-then-watch (`fieldSelector=spec.nodeName=<node>`),
 * as a kubelet's pod source. Handlers hear only that a key changed; a watch that ends is
 * followed by a fresh list, and a failed one by a pause on the clock.
 */
import type { KubeObject } from '@wisp/api';
import type { Clock } from '@wisp/core';
import type { KubeClient } from '../kube-client/client.ts';
import { PODS } from './resources.ts';

export interface PodWatcherInit {
  readonly nodeName: string;
  /** Pause before listing again after a failure. */
  readonly retryIntervalMs: number;
}

export interface PodWatcherComponents {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly onChange: (key: string) => void;
  readonly log: (message: string, error?: unknown) => void;
}

export interface PodWatcher {
  /** Resolves after the first list; rejects if it fails. */
  start(): Promise<void>;
  stop(): Promise<void>;
  get(key: string): KubeObject | undefined;
  keys(): string[];
  /** Records an object this agent just wrote, unless the cache already holds a newer one. */
  put(pod: KubeObject): void;
}

export function podKey(pod: KubeObject): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

export function createPodWatcher(init: PodWatcherInit, c: PodWatcherComponents): PodWatcher {
  const pods = new Map<string, KubeObject>();
  const fieldSelector = `spec.nodeName=${init.nodeName}`;
  let ac: AbortController | undefined;
  let loop: Promise<void> | undefined;

  const rv = (pod: KubeObject | undefined) => Number(pod?.metadata.resourceVersion ?? 0);

  function put(pod: KubeObject): void {
    const key = podKey(pod);
    if (rv(pods.get(key)) > rv(pod)) return;
    pods.set(key, pod);
    c.onChange(key);
  }

  function remove(key: string): void {
    if (pods.delete(key)) c.onChange(key);
  }

  async function relist(signal: AbortSignal): Promise<string> {
    const list = await c.client.list(PODS, undefined, { fieldSelector, signal });
    const seen = new Set(list.items.map(podKey));
    for (const key of [...pods.keys()]) if (!seen.has(key)) remove(key);
    for (const pod of list.items) put(pod);
    return list.metadata.resourceVersion ?? '0';
  }

  async function follow(resourceVersion: string, signal: AbortSignal): Promise<void> {
    const events = c.client.watch(PODS, undefined, {
      fieldSelector,
      resourceVersion,
      allowWatchBookmarks: true,
      signal,
    });
    for await (const ev of events) {
      if (ev.type === 'BOOKMARK') continue;
      if (ev.type === 'DELETED') remove(podKey(ev.object));
      else put(ev.object);
    }
  }

  async function run(firstVersion: string, signal: AbortSignal): Promise<void> {
    let version: string | undefined = firstVersion;
    while (!signal.aborted) {
      try {
        await follow(version ?? (await relist(signal)), signal);
        version = undefined;
      } catch (e) {
        version = undefined;
        if (signal.aborted) return;
        c.log(`pod watch for ${init.nodeName} failed; listing again`, e);
        await c.clock.sleep(init.retryIntervalMs, signal).catch(() => {});
      }
    }
  }

  return {
    async start() {
      if (ac) return;
      const controller = new AbortController();
      const version = await relist(controller.signal);
      ac = controller;
      loop = run(version, controller.signal);
    },
    async stop() {
      ac?.abort();
      ac = undefined;
      await loop;
      loop = undefined;
    },
    get: (key) => pods.get(key),
    keys: () => [...pods.keys()],
    put,
  };
}
