/**
 * A `PodRuntime` in memory whose containers follow scripts on the injected Clock: run forever
 * (the default), exit with a code (and reason) after some time, or fail to pull. Output a script
 * names is written to the container's logPath through `openContainerLog`, as a real runtime's.
 * For pod manager tests and the runtime conformance suite.
 *
 *   const runtime = new FakeRuntime({ clock, behaviours: { 'crash:1': { exitCode: 1, afterMs: 500 } } });
 *   const sandbox = await runtime.createSandbox({ uid, namespace, name, podIp });
 *   await runtime.start(sandbox, { name: 'app', image: 'crash:1' }, config); // exits 1 at +500 ms
 */
import type { Container } from 'kubernetes-types/core/v1.js';
import {
  ImagePullError,
  type Clock,
  type ContainerConfig,
  type ContainerRuntimeStatus,
  type ContainerState,
  type PodRuntime,
  type SandboxRef,
  type SandboxSpec,
  type SandboxStatus,
  type TimerHandle,
} from '@wisp/core';
import { openContainerLog, type ContainerLog } from '@wisp/core/container-log.ts';

/** What a container started from an image does; `stdout` is written to its log at start. */
export type FakeBehaviour =
  | { readonly run: 'forever'; readonly stdout?: string }
  | {
      readonly exitCode: number;
      readonly afterMs: number;
      /** Default `Completed` for 0, else `Error`. */
      readonly reason?: string;
      readonly stdout?: string;
    }
  | { readonly pullFails: string };

export interface FakeRuntimeInit {
  readonly clock: Clock;
  /** By image reference; an image without an entry runs forever. */
  readonly behaviours?: Readonly<Record<string, FakeBehaviour>>;
  readonly runtimeClasses?: readonly string[];
  /** Log bytes per container file before it rotates. */
  readonly logBytesMax?: number;
}

interface FakeContainer {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  current: ContainerState;
  timer: TimerHandle | undefined;
  log: ContainerLog;
}

interface FakeSandbox {
  readonly ref: SandboxRef;
  readonly spec: SandboxSpec;
  readonly containers: FakeContainer[];
}

/** One `start` call as the runtime received it. */
export interface FakeStart {
  readonly sandbox: SandboxSpec;
  readonly container: Container;
  readonly config: ContainerConfig;
}

export const fakeRuntimeDefaults = { logBytesMax: 1024 * 1024, runtimeClasses: ['fake'] } as const;

export class FakeRuntime implements PodRuntime {
  readonly runtimeClasses: readonly string[];
  readonly #clock: Clock;
  readonly #behaviours: Map<string, FakeBehaviour>;
  readonly #logBytesMax: number;
  readonly #sandboxes = new Map<string, FakeSandbox>();
  #next = 1;
  /** Every call, in order, for tests: `pull:img`, `start:ns/name/container`, ... */
  readonly calls: string[] = [];
  /** Every start with its resolved config, in order. */
  readonly starts: FakeStart[] = [];

  constructor(init: FakeRuntimeInit) {
    this.#clock = init.clock;
    this.#behaviours = new Map(Object.entries(init.behaviours ?? {}));
    this.runtimeClasses = init.runtimeClasses ?? fakeRuntimeDefaults.runtimeClasses;
    this.#logBytesMax = init.logBytesMax ?? fakeRuntimeDefaults.logBytesMax;
  }

  /** Changes what containers started from `image` from now on do. */
  script(image: string, behaviour: FakeBehaviour): void {
    this.#behaviours.set(image, behaviour);
  }

  async pull(image: string): Promise<void> {
    this.calls.push(`pull:${image}`);
    const b = this.#behaviours.get(image);
    if (b && 'pullFails' in b) throw new ImagePullError(image, b.pullFails);
  }

  async createSandbox(spec: SandboxSpec): Promise<SandboxRef> {
    this.calls.push(`sandbox:${spec.namespace}/${spec.name}`);
    const ref = { id: `sandbox-${this.#next++}`, podUid: spec.uid };
    this.#sandboxes.set(ref.id, { ref, spec, containers: [] });
    return ref;
  }

  async start(sandbox: SandboxRef, container: Container, config: ContainerConfig) {
    const box = this.#sandbox(sandbox);
    const image = container.image ?? '';
    this.calls.push(`start:${box.spec.namespace}/${box.spec.name}/${container.name}`);
    this.starts.push({ sandbox: box.spec, container, config });
    const log = openContainerLog(config.logPath, {
      bytesMax: this.#logBytesMax,
      clock: this.#clock,
    });
    const c: FakeContainer = {
      id: `container-${this.#next++}`,
      name: container.name,
      image,
      current: { state: 'running', startedAtMs: this.#clock.now() },
      timer: undefined,
      log,
    };
    const b = this.#behaviours.get(image);
    if (b && 'stdout' in b && b.stdout) log.write('stdout', new TextEncoder().encode(b.stdout));
    if (b && 'exitCode' in b) {
      c.timer = this.#clock.setTimeout(() => this.#exit(c, b.exitCode, b.reason), b.afterMs);
    }
    box.containers.push(c);
    return c.id;
  }

  async stop(sandbox: SandboxRef, containerId: string): Promise<void> {
    const c = this.#sandboxes.get(sandbox.id)?.containers.find((x) => x.id === containerId);
    if (!c) return;
    this.calls.push(`stop:${c.name}`);
    if (c.current.state === 'running') this.#exit(c, 0);
  }

  async remove(sandbox: SandboxRef): Promise<void> {
    const box = this.#sandboxes.get(sandbox.id);
    if (!box) return;
    this.calls.push(`remove:${box.spec.namespace}/${box.spec.name}`);
    for (const c of box.containers) if (c.current.state === 'running') this.#exit(c, 0);
    this.#sandboxes.delete(sandbox.id);
  }

  async status(sandbox: SandboxRef): Promise<SandboxStatus | undefined> {
    const box = this.#sandboxes.get(sandbox.id);
    if (!box) return undefined;
    const containers: ContainerRuntimeStatus[] = box.containers.map((c) => ({
      id: c.id,
      name: c.name,
      image: c.image,
      imageId: `fake://${c.image}`,
      current: c.current,
    }));
    return { sandbox: box.ref, containers };
  }

  async list(): Promise<SandboxRef[]> {
    return [...this.#sandboxes.values()].map((b) => b.ref);
  }

  async close(): Promise<void> {
    for (const box of [...this.#sandboxes.values()]) await this.remove(box.ref);
  }

  /** Containers running now, as `ns/pod/container`. */
  running(): string[] {
    const out: string[] = [];
    for (const box of this.#sandboxes.values()) {
      for (const c of box.containers) {
        if (c.current.state === 'running')
          out.push(`${box.spec.namespace}/${box.spec.name}/${c.name}`);
      }
    }
    return out.sort();
  }

  #exit(c: FakeContainer, exitCode: number, reason?: string): void {
    this.#clock.clearTimeout(c.timer);
    c.timer = undefined;
    if (c.current.state !== 'running') return;
    const startedAtMs = c.current.startedAtMs;
    const why = reason ?? (exitCode === 0 ? 'Completed' : 'Error');
    const finishedAtMs = this.#clock.now();
    c.current = { state: 'exited', exitCode, startedAtMs, finishedAtMs, reason: why };
    c.log.close();
  }

  #sandbox(ref: SandboxRef): FakeSandbox {
    const box = this.#sandboxes.get(ref.id);
    if (!box) throw new Error(`sandbox ${ref.id}: not found`);
    return box;
  }
}
