/**
 * One pod with its live log: `GET …/pods/NAME/log?follow=true&tailLines=100` read with fetch's
 * stream reader, appended as it arrives, capped so a chatty pod cannot exhaust the tab. The
 * view owns the stream: `stop()` aborts it when the user leaves the page.
 */
import type { ApiClient } from '../api-client.ts';
import { h } from '../dom.ts';
import { formatAge } from '../format-age.ts';
import { restartsOf } from '../kube-types.ts';
import type { PodObject } from '../kube-types.ts';
import { routeHash } from '../router.ts';

/** Characters of log kept on the page; older text is dropped from the top. */
export const logCharsMax = 256 * 1024;
export const logTailLines = 100;

export interface PodLogView {
  readonly element: HTMLElement;
  /** Redraws the pod's facts without touching the log. */
  update(pod: PodObject | undefined, nowMs: number): void;
  stop(): void;
}

export function openPodDetail(api: ApiClient, namespace: string, name: string): PodLogView {
  const facts = h('div', { class: 'pod-facts' });
  const log = h('pre', { id: 'pod-log', class: 'log' });
  const state = h('p', { id: 'pod-log-state', class: 'muted' }, 'connecting…');
  const element = h(
    'div',
    { 'data-pod-detail': `${namespace}/${name}` },
    h('a', { href: routeHash({ page: 'fleet' }) }, '← fleet'),
    h('h2', {}, `${namespace}/${name}`),
    facts,
    h('h3', {}, 'Log'),
    state,
    log,
  );
  const ac = new AbortController();
  const path =
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}` +
    `/log?follow=true&tailLines=${logTailLines}`;
  void (async () => {
    try {
      for await (const text of api.streamText(path, ac.signal)) {
        state.textContent = 'following';
        log.textContent = ((log.textContent ?? '') + text).slice(-logCharsMax);
      }
      state.textContent = 'the log stream ended';
    } catch (e) {
      if (ac.signal.aborted) return;
      state.textContent = (e as Error).message;
      state.className = 'error';
    }
  })();
  return {
    element,
    update(pod, nowMs) {
      facts.replaceChildren(
        pod
          ? h(
              'p',
              {},
              `${pod.status?.phase ?? ''} on ${pod.spec?.nodeName ?? '(unscheduled)'}, ` +
                `IP ${pod.status?.podIP ?? '-'}, ${restartsOf(pod)} restarts, ` +
                `age ${formatAge(pod.metadata?.creationTimestamp, nowMs)}`,
            )
          : h('p', { class: 'error' }, `pods "${name}": not found`),
      );
    },
    stop: () => ac.abort(),
  };
}
