/**
 * The dashboard's entry point and composition root: a login form for a bearer token (kept in
 * sessionStorage, so it ends with the tab), then overview, nodes, pods and events, each fed by
 * a live list-and-watch. Actions appear only when a SelfSubjectAccessReview allows them; every
 * API failure is shown in the error bar until the same source succeeds again.
 */
import { createApiClient } from './api-client.ts';
import type { ApiClient } from './api-client.ts';
import { browserClock } from './browser-clock.ts';
import { h } from './dom.ts';
import type { EventObject, NodeObject, PodObject } from './kube-types.ts';
import { startLiveList } from './live-list.ts';
import { createObjectCache } from './object-cache.ts';
import type { KubeObjectLike, ObjectCache } from './object-cache.ts';
import { canI } from './permissions.ts';
import { renderEvents } from './views/events.ts';
import { renderNodes } from './views/nodes.ts';
import type { NodeFilters } from './views/nodes.ts';
import { renderOverview } from './views/overview.ts';
import { renderPods } from './views/pods.ts';

const tokenKey = 'wisp.token';
/** Ages on the page are redrawn this often even when nothing changes. */
const ageRefreshMs = 5_000;

interface AppState {
  readonly nodes: ObjectCache<NodeObject>;
  readonly pods: ObjectCache<PodObject>;
  readonly events: ObjectCache<EventObject>;
  readonly errors: Map<string, string>;
  nodeFilters: NodeFilters;
  eventType: string;
  canPatchNodes: boolean;
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
  // Every signed-in user may ask what it may do (basic-user), so this checks only the token.
  let canPatchNodes: boolean;
  try {
    canPatchNodes = await canI(api, { verb: 'patch', resource: 'nodes' });
  } catch (e) {
    return showLogin((e as Error).message);
  }
  sessionStorage.setItem(tokenKey, token);
  startApp(api, canPatchNodes);
}

function logout(): void {
  sessionStorage.removeItem(tokenKey);
  location.reload();
}

function startApp(api: ApiClient, canPatchNodes: boolean): void {
  const state: AppState = {
    nodes: createObjectCache(),
    pods: createObjectCache(),
    events: createObjectCache(),
    errors: new Map(),
    nodeFilters: { site: '', status: '' },
    eventType: '',
    canPatchNodes,
  };
  const section = (id: string, title: string) =>
    h('section', { id }, h('h2', {}, title), h('div', { class: 'body' }));
  const errors = h('ul', { id: 'errors', class: 'errors', role: 'alert' });
  root.replaceChildren(
    h(
      'header',
      {},
      h('h1', {}, 'Wisp fleet'),
      h('button', { id: 'logout', onclick: logout }, 'Sign out'),
    ),
    errors,
    section('overview', 'Overview'),
    section('nodes', 'Nodes'),
    section('pods', 'Pods'),
    section('events', 'Events'),
  );
  let scheduled = false;
  const render = () => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      draw(api, state, render);
    });
  };
  const follow = <T extends KubeObjectLike>(path: string, cache: ObjectCache<T>) =>
    startLiveList(
      { path },
      { api, clock: browserClock, cache, onChange: render, onError: reportTo(state, path, render) },
    );
  follow('/api/v1/nodes', state.nodes);
  follow('/api/v1/pods', state.pods);
  follow('/api/v1/events', state.events);
  // Tests and screenshots wait for this before judging which buttons are shown.
  document.body.dataset.permissions = 'checked';
  render();
  void (async () => {
    for (;;) {
      await browserClock.sleep(ageRefreshMs);
      render();
    }
  })();
}

function reportTo(state: AppState, source: string, render: () => void) {
  return (e: Error | undefined) => {
    if (e) state.errors.set(source, e.message);
    else state.errors.delete(source);
    render();
  };
}

function draw(api: ApiClient, state: AppState, render: () => void): void {
  const nowMs = browserClock.now();
  const body = (id: string) => document.querySelector(`#${id} > .body`) as HTMLElement;
  const errors = document.getElementById('errors') as HTMLElement;
  errors.replaceChildren(...[...state.errors.values()].map((m) => h('li', {}, m)));
  const nodes = state.nodes.items();
  const pods = state.pods.items();
  const events = state.events.items();
  body('overview').replaceChildren(renderOverview(nodes, pods, events));
  const cordon = async (name: string, unschedulable: boolean) => {
    const what = `cordon ${name}`;
    try {
      await api.mergePatch(`/api/v1/nodes/${encodeURIComponent(name)}`, {
        spec: { unschedulable: unschedulable ? true : null },
      });
      state.errors.delete(what);
    } catch (e) {
      state.errors.set(what, (e as Error).message);
    }
    render();
  };
  body('nodes').replaceChildren(
    renderNodes({
      nodes,
      filters: state.nodeFilters,
      nowMs,
      onFilter: (f) => {
        state.nodeFilters = f;
        render();
      },
      ...(state.canPatchNodes ? { onCordon: (n, u) => void cordon(n, u) } : {}),
    }),
  );
  body('pods').replaceChildren(renderPods(pods, nowMs));
  body('events').replaceChildren(
    renderEvents(events, state.eventType, nowMs, (t) => {
      state.eventType = t;
      render();
    }),
  );
}

const saved = sessionStorage.getItem(tokenKey);
if (saved) void login(saved);
else showLogin();
