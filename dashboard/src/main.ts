/**
 * The dashboard's entry point and composition root: a login form for a bearer token (kept in
 * sessionStorage, so it ends with the tab), then the fleet page (overview, nodes, workloads,
 * pods, events) and the node, pod (live log) and workload (YAML) pages, each fed by live
 * list-and-watches. Actions appear only when a SelfSubjectAccessReview allows them; every API
 * failure is shown in the error bar until the same source succeeds again.
 */
import { createApiClient } from './api-client.ts';
import type { ApiClient } from './api-client.ts';
import { browserClock } from './browser-clock.ts';
import { h } from './dom.ts';
import { morphChildren } from './morph.ts';
import { drainNode, setUnschedulable } from './drain.ts';
import type {
  EventObject,
  LeaseObject,
  NodeObject,
  PodObject,
  WorkloadObject,
} from './kube-types.ts';
import { startLiveList } from './live-list.ts';
import { createObjectCache } from './object-cache.ts';
import type { KubeObjectLike, ObjectCache } from './object-cache.ts';
import { canI } from './permissions.ts';
import { parseRoute, routeHash } from './router.ts';
import type { Route } from './router.ts';
import { renderEvents } from './views/events.ts';
import { renderNodeDetail } from './views/node-detail.ts';
import { renderNodes } from './views/nodes.ts';
import type { NodeFilters } from './views/nodes.ts';
import { renderOverview } from './views/overview.ts';
import { openPodDetail } from './views/pod-detail.ts';
import type { PodLogView } from './views/pod-detail.ts';
import { renderPods } from './views/pods.ts';
import { renderWorkloadDetail } from './views/workload-detail.ts';
import { renderWorkloads } from './views/workloads.ts';
import type { WorkloadActions } from './views/workloads.ts';
import { listPath, objectPath, restartedAtAnnotation, workloadKinds } from './workloads.ts';
import type { WorkloadKind } from './workloads.ts';

const tokenKey = 'wisp.token';
/** Ages on the page are redrawn this often even when nothing changes. */
const ageRefreshMs = 5_000;
const leasesPath = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';

interface Permissions {
  readonly patchNodes: boolean;
  readonly evictPods: boolean;
  readonly patchWorkloads: boolean;
}

interface AppState {
  readonly api: ApiClient;
  readonly can: Permissions;
  readonly nodes: ObjectCache<NodeObject>;
  readonly pods: ObjectCache<PodObject>;
  readonly events: ObjectCache<EventObject>;
  readonly leases: ObjectCache<LeaseObject>;
  readonly workloads: Map<string, ObjectCache<WorkloadObject>>;
  readonly errors: Map<string, string>;
  readonly drainReports: Map<string, string>;
  nodeFilters: NodeFilters;
  eventType: string;
  route: Route;
  /** The open pod page: its section is kept across renders, since its log grows in place. */
  podView?: { key: string; view: PodLogView; section: HTMLElement };
  render: () => void;
}

const root = document.getElementById('app') as HTMLElement;

function showLogin(error?: string): void {
  const input = h('input', { id: 'login-token', type: 'password', placeholder: 'Bearer token' });
  const form = h(
    'form',
    { id: 'login', class: 'login' },
    h('h1', {}, 'Wisp'),
    h('p', {}, 'Sign in with an API token (wisp user-token create, or the one wisp up prints).'),
    input,
    h('button', { id: 'login-button', type: 'submit' }, 'Sign in'),
    error ? h('p', { class: 'error', role: 'alert' }, error) : null,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void login(input.value.trim());
  });
  root.replaceChildren(form);
  input.focus();
}

async function login(token: string): Promise<void> {
  if (!token) return showLogin('token: Required value');
  const api = createApiClient({ token, fetch: window.fetch.bind(window) });
  // Every signed-in user may ask what it may do (basic-user), so the first review checks the token.
  let can: Permissions;
  try {
    const patchNodes = await canI(api, { verb: 'patch', resource: 'nodes' });
    const [evictPods, patchWorkloads] = await Promise.all([
      canI(api, { verb: 'create', resource: 'pods', subresource: 'eviction' }),
      canI(api, { verb: 'patch', resource: 'deployments', group: 'apps' }),
    ]);
    can = { patchNodes, evictPods, patchWorkloads };
  } catch (e) {
    return showLogin((e as Error).message);
  }
  sessionStorage.setItem(tokenKey, token);
  startApp(api, can);
}

function logout(): void {
  sessionStorage.removeItem(tokenKey);
  location.hash = '';
  location.reload();
}

function startApp(api: ApiClient, can: Permissions): void {
  let scheduled = false;
  const state: AppState = {
    api,
    can,
    nodes: createObjectCache(),
    pods: createObjectCache(),
    events: createObjectCache(),
    leases: createObjectCache(),
    workloads: new Map(workloadKinds.map((k) => [k.kind, createObjectCache<WorkloadObject>()])),
    errors: new Map(),
    drainReports: new Map(),
    nodeFilters: { site: '', status: '', label: '' },
    eventType: '',
    route: parseRoute(location.hash),
    render: () => {
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(() => {
        scheduled = false;
        draw(state);
      });
    },
  };
  const follow = <T extends KubeObjectLike>(path: string, cache: ObjectCache<T>) =>
    startLiveList(
      { path },
      { api, clock: browserClock, cache, onChange: state.render, onError: reportTo(state, path) },
    );
  // Nine watches, a log stream and actions at once: the apiserver speaks HTTP/2, where they are
  // streams of one connection (over HTTP/1.1, Chromium would stop at six connections).
  follow('/api/v1/nodes', state.nodes);
  follow('/api/v1/pods', state.pods);
  follow('/api/v1/events', state.events);
  follow(leasesPath, state.leases);
  for (const k of workloadKinds) follow(listPath(k), state.workloads.get(k.kind)!);
  window.addEventListener('hashchange', () => {
    state.route = parseRoute(location.hash);
    state.render();
  });
  // Tests and screenshots wait for this before judging which buttons are shown.
  document.body.dataset.permissions = 'checked';
  state.render();
  void (async () => {
    for (;;) {
      await browserClock.sleep(ageRefreshMs);
      state.render();
    }
  })();
}

function reportTo(state: AppState, source: string) {
  return (e: Error | undefined) => {
    if (e) state.errors.set(source, e.message);
    else state.errors.delete(source);
    state.render();
  };
}

/** Runs an action; its failure goes to the error bar under `what`, its success clears it. */
async function act(state: AppState, what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
    state.errors.delete(what);
  } catch (e) {
    state.errors.set(what, (e as Error).message);
  }
  state.render();
}

function shell(state: AppState, ...content: (HTMLElement | null)[]): void {
  const errors = h(
    'ul',
    { id: 'errors', class: 'errors', role: 'alert' },
    ...[...state.errors.values()].map((m) => h('li', {}, m)),
  );
  const header = h(
    'header',
    {},
    h('h1', {}, h('a', { href: routeHash({ page: 'fleet' }) }, 'Wisp fleet')),
    h('button', { id: 'logout', onclick: logout }, 'Sign out'),
  );
  morphChildren(root, [header, errors, ...content.filter((c): c is HTMLElement => c !== null)]);
}

function draw(state: AppState): void {
  const route = state.route;
  if (route.page !== 'pod' && state.podView) {
    state.podView.view.stop();
    state.podView = undefined;
  }
  const nowMs = browserClock.now();
  if (route.page === 'node') return shell(state, nodePage(state, route.name, nowMs));
  if (route.page === 'pod') return shell(state, podPage(state, route, nowMs));
  if (route.page === 'workload') return shell(state, workloadPage(state, route));
  shell(state, ...fleetSections(state, nowMs));
}

function section(id: string, title: string, body: HTMLElement): HTMLElement {
  return h('section', { id }, h('h2', {}, title), h('div', { class: 'body' }, body));
}

function fleetSections(state: AppState, nowMs: number): HTMLElement[] {
  const nodes = state.nodes.items();
  const pods = state.pods.items();
  const events = state.events.items();
  const cordon = (name: string, on: boolean) =>
    void act(state, `cordon ${name}`, () => setUnschedulable(state.api, name, on));
  return [
    section('overview', 'Overview', renderOverview({ nodes, pods, events, nowMs })),
    section(
      'nodes',
      'Nodes',
      renderNodes({
        nodes,
        filters: state.nodeFilters,
        nowMs,
        onFilter: (f) => {
          state.nodeFilters = f;
          state.render();
        },
        ...(state.can.patchNodes ? { onCordon: cordon } : {}),
      }),
    ),
    section(
      'workloads',
      'Workloads',
      renderWorkloads({
        kinds: workloadKinds.map((kind) => ({
          kind,
          items: state.workloads.get(kind.kind)!.items(),
        })),
        pods,
        nodes,
        nowMs,
        ...(state.can.patchWorkloads ? { actions: workloadActions(state) } : {}),
      }),
    ),
    section('pods', 'Pods', renderPods(pods, nowMs)),
    section(
      'events',
      'Events',
      renderEvents(events, state.eventType, nowMs, (t) => {
        state.eventType = t;
        state.render();
      }),
    ),
  ];
}

function workloadActions(state: AppState): WorkloadActions {
  const path = (k: WorkloadKind, w: WorkloadObject) =>
    objectPath(k, w.metadata?.namespace ?? 'default', w.metadata?.name ?? '');
  return {
    onScale: (k, w, replicas) =>
      void act(state, `scale ${k.kind}/${w.metadata?.name}`, () =>
        state.api.mergePatch(path(k, w), { spec: { replicas } }),
      ),
    onRestart: (k, w) =>
      void act(state, `restart ${k.kind}/${w.metadata?.name}`, () =>
        state.api.mergePatch(path(k, w), {
          spec: {
            template: {
              metadata: {
                annotations: {
                  [restartedAtAnnotation]: new Date(browserClock.now()).toISOString(),
                },
              },
            },
          },
        }),
      ),
  };
}

function nodePage(state: AppState, name: string, nowMs: number): HTMLElement {
  const pods = state.pods.items();
  // Read at click time: a kept Drain button outlives this render's pod list.
  const drain = () =>
    void act(state, `drain ${name}`, async () => {
      state.drainReports.set(name, 'draining…');
      state.render();
      const r = await drainNode(state.api, name, state.pods.items());
      const report =
        `evicted ${r.evicted.length}, skipped ${r.skipped.length}` +
        (r.skipped.length ? ` (${r.skipped.join(', ')})` : '');
      state.drainReports.set(name, report);
      if (r.failures.length) throw new Error(`drain ${name}: ${r.failures.join('; ')}`);
    });
  return section(
    'node',
    'Node',
    renderNodeDetail(
      {
        name,
        node: state.nodes.items().find((n) => n.metadata?.name === name),
        lease: state.leases.items().find((l) => l.metadata?.name === name),
        pods,
        nowMs,
        drainReport: state.drainReports.get(name),
      },
      {
        ...(state.can.patchNodes
          ? {
              onCordon: (on: boolean) =>
                void act(state, `cordon ${name}`, () => setUnschedulable(state.api, name, on)),
            }
          : {}),
        ...(state.can.patchNodes && state.can.evictPods ? { onDrain: drain } : {}),
      },
    ),
  );
}

function podPage(
  state: AppState,
  route: { namespace: string; name: string },
  nowMs: number,
): HTMLElement {
  const key = `${route.namespace}/${route.name}`;
  if (state.podView?.key !== key) {
    state.podView?.view.stop();
    const view = openPodDetail(state.api, route.namespace, route.name);
    state.podView = { key, view, section: section('pod', 'Pod', view.element) };
  }
  const pod = state.pods
    .items()
    .find((p) => p.metadata?.namespace === route.namespace && p.metadata?.name === route.name);
  state.podView.view.update(pod, nowMs);
  return state.podView.section;
}

function workloadPage(
  state: AppState,
  route: { kind: string; namespace: string; name: string },
): HTMLElement {
  const w = state.workloads
    .get(route.kind)
    ?.items()
    .find((x) => x.metadata?.namespace === route.namespace && x.metadata?.name === route.name);
  const title = `${route.kind} ${route.namespace}/${route.name}`;
  return section(
    'workload',
    'Workload',
    renderWorkloadDetail(title, w, state.pods.items(), state.nodes.items()),
  );
}

const saved = sessionStorage.getItem(tokenKey);
if (saved) void login(saved);
else showLogin();
