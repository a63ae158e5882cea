/**
 * The wasm `PodRuntime` (DESIGN §7): pull → verified component in the image store; start →
 * transpiled once per digest → a `wasi:cli/run` instance (the exit code is the container's) or
 * a pooled `wasi:http` service bound to the pod's loopback address and first containerPort.
 * Instances live in worker threads of the agent process, so a restarted agent starts afresh.
 *
 *   const runtime = new WasmRuntime({}, { clock, images, transpiler, engine });
 *   await runtime.pull('file:///opt/hello.wasm@sha256:…');
 *   const sandbox = await runtime.createSandbox({ uid, namespace, name, podIp, ports });
 *   const id = await runtime.start(sandbox, container, { env, mounts, logPath, limits });
 */
import type { Container } from 'kubernetes-types/core/v1.js';
import { podLoopback } from '@wisp/api/net/pod-loopback.ts';
import {
  ContainerStartError,
  ImagePullError,
  type Clock,
  type ContainerConfig,
  type PodRuntime,
  type SandboxRef,
  type SandboxSpec,
  type SandboxStatus,
  type StopOptions,
} from '@wisp/core';
import { openContainerLog } from '@wisp/core/container-log.ts';
import type {
  CommandHandle,
  ComponentSource,
  HttpServiceHandle,
  InstanceEngine,
  InstanceSpec,
  OutgoingPolicy,
  PulledComponent,
  Transpiler,
} from './runtime/engine.ts';
import { denyAllOutgoing } from './http/outgoing-policy.ts';
import { exitStateOf, killedExit } from './runtime/exit-state.ts';
import { annotationInt, instanceSpecOf } from './runtime/instance-spec.ts';
import {
  logBytesMaxDefault,
  poolSizeAnnotation,
  poolSizeDefault,
  poolSizeMax,
  requestTimeoutAnnotation,
  requestTimeoutSecondsDefault,
  requestTimeoutSecondsMax,
} from './runtime/wasm-defaults.ts';
import type { WasmContainer, WasmSandbox } from './runtime/wasm-sandbox.ts';

export interface WasmRuntimeInit {
  /** Bytes of a container log file before it rotates; default 10 MiB. */
  readonly logBytesMax?: number;
  /** How long a killed instance may take to report its exit; default 5 s. */
  readonly killWaitMs?: number;
}

export interface WasmRuntimeComponents {
  readonly clock: Clock;
  readonly images: ComponentSource;
  readonly transpiler: Transpiler;
  readonly engine: InstanceEngine;
  /**
   * Where a pod's components send outgoing HTTP (the mesh, with the pod as the NetworkPolicy
   * source); default: denied.
   */
  readonly outgoing?: (pod: SandboxSpec) => OutgoingPolicy;
}

export const wasmRuntimeClass = 'wasm';
export const wasmRuntimeDefaults = { killWaitMs: 5000 } as const;

export class WasmRuntime implements PodRuntime {
  readonly runtimeClasses: readonly string[] = [wasmRuntimeClass];
  readonly #init: WasmRuntimeInit;
  readonly #c: WasmRuntimeComponents;
  readonly #pulled = new Map<string, PulledComponent>();
  readonly #pulling = new Map<string, Promise<PulledComponent>>();
  readonly #sandboxes = new Map<string, WasmSandbox>();
  #next = 1;

  constructor(init: WasmRuntimeInit, components: WasmRuntimeComponents) {
    this.#init = init;
    this.#c = components;
  }

  /** Pulls once per reference (IfNotPresent); concurrent pulls of one reference share a fetch. */
  async pull(image: string): Promise<void> {
    await this.#component(image);
  }

  async createSandbox(spec: SandboxSpec): Promise<SandboxRef> {
    const cls = spec.runtimeClassName;
    if (cls !== undefined && cls !== wasmRuntimeClass) {
      throw new ContainerStartError(`spec.runtimeClassName: "${cls}" is not served (wasm only)`);
    }
    const ref = { id: `wasm-${spec.uid}-${this.#next++}`, podUid: spec.uid };
    this.#sandboxes.set(ref.id, { ref, spec, containers: [] });
    return ref;
  }

  async start(sandbox: SandboxRef, container: Container, config: ContainerConfig) {
    const box = this.#box(sandbox);
    const image = container.image ?? '';
    const pulled = await this.#component(image);
    const component = await this.#c.transpiler.prepare(pulled.digest, pulled.path);
    const log = openContainerLog(config.logPath, {
      bytesMax: this.#init.logBytesMax ?? logBytesMaxDefault,
      clock: this.#c.clock,
    });
    const spec = instanceSpecOf(container, config, component, log);
    let handle: CommandHandle | HttpServiceHandle;
    try {
      handle =
        component.world === 'cli'
          ? this.#c.engine.runCommand(spec)
          : await this.#startHttp(box.spec, container, spec);
    } catch (e) {
      log.close();
      if (e instanceof ContainerStartError) throw e;
      const why = e instanceof Error ? e.message : String(e);
      throw new ContainerStartError(`container ${container.name}: ${why}`, { cause: e });
    }
    const c: WasmContainer = {
      id: `${box.ref.id}-${container.name}-${this.#next++}`,
      name: container.name,
      image,
      imageId: pulled.digest,
      current: { state: 'running', startedAtMs: this.#c.clock.now() },
      handle,
      log,
    };
    box.containers.push(c);
    this.#c.images.pin?.(pulled.digest);
    handle.exited.then(
      (exit) => this.#exited(c, exit),
      (e: unknown) => this.#exited(c, { exitCode: 1, reason: 'Error', message: String(e) }),
    );
    return c.id;
  }

  async stop(sandbox: SandboxRef, containerId: string, options: StopOptions): Promise<void> {
    const c = this.#sandboxes.get(sandbox.id)?.containers.find((x) => x.id === containerId);
    if (!c || c.current.state !== 'running') return;
    const { clock } = this.#c;
    if ('drain' in c.handle && options.gracePeriodMs > 0) {
      // WASI has no signal to ask a command to stop, so only http services get their grace.
      const grace = clock.timeoutSignal(options.gracePeriodMs);
      await Promise.race([c.handle.drain(options.gracePeriodMs), aborted(grace)]);
    }
    if (c.current.state === 'running') await c.handle.kill();
    const waitMs = this.#init.killWaitMs ?? wasmRuntimeDefaults.killWaitMs;
    const late = clock.timeoutSignal(waitMs);
    await Promise.race([c.handle.exited.catch(() => undefined), aborted(late)]);
    this.#exited(c, killedExit('stopped by the agent'));
  }

  async remove(sandbox: SandboxRef): Promise<void> {
    const box = this.#sandboxes.get(sandbox.id);
    if (!box) return;
    for (const c of box.containers) await this.stop(sandbox, c.id, { gracePeriodMs: 0 });
    this.#sandboxes.delete(sandbox.id);
  }

  async status(sandbox: SandboxRef): Promise<SandboxStatus | undefined> {
    const box = this.#sandboxes.get(sandbox.id);
    if (!box) return undefined;
    const containers = box.containers.map((c) => ({
      id: c.id,
      name: c.name,
      image: c.image,
      imageId: c.imageId,
      current: c.current,
    }));
    return { sandbox: box.ref, containers };
  }

  async list(): Promise<SandboxRef[]> {
    return [...this.#sandboxes.values()].map((b) => b.ref);
  }

  async close(): Promise<void> {
    for (const box of [...this.#sandboxes.values()]) await this.remove(box.ref);
    await this.#c.engine.close?.();
  }

  async #component(image: string): Promise<PulledComponent> {
    const have = this.#pulled.get(image);
    if (have) return have;
    let pulling = this.#pulling.get(image);
    if (!pulling) {
      pulling = this.#c.images.pull(image).catch((e: unknown) => {
        throw pullErrorOf(image, e);
      });
      this.#pulling.set(image, pulling);
    }
    try {
      const pulled = await pulling;
      this.#pulled.set(image, pulled);
      return pulled;
    } finally {
      this.#pulling.delete(image);
    }
  }

  async #startHttp(pod: SandboxSpec, container: Container, spec: InstanceSpec) {
    const port = httpPortOf(pod, container);
    const timeoutS = annotationInt(
      pod.annotations,
      requestTimeoutAnnotation,
      requestTimeoutSecondsDefault,
      requestTimeoutSecondsMax,
    );
    return this.#c.engine.startHttpService({
      ...spec,
      deadlineMs: timeoutS * 1000,
      host: podLoopback(pod.podIp),
      port,
      poolSize: annotationInt(pod.annotations, poolSizeAnnotation, poolSizeDefault, poolSizeMax),
      outgoing: this.#c.outgoing?.(pod) ?? denyAllOutgoing,
    });
  }

  #exited(c: WasmContainer, exit: Parameters<typeof exitStateOf>[1]): void {
    if (c.current.state !== 'running') return;
    c.current = exitStateOf(c.current.startedAtMs, exit, this.#c.clock.now());
    c.log.close();
    this.#c.images.unpin?.(c.imageId);
  }

  #box(ref: SandboxRef): WasmSandbox {
    const box = this.#sandboxes.get(ref.id);
    if (!box) throw new ContainerStartError(`sandbox ${ref.id}: not found`);
    return box;
  }
}

/**
 * The store's error as an ImagePullError; an OCI container image gets a hint, because on a
 * wasm-only agent a pod without runtimeClassName is tried as a component first.
 */
function pullErrorOf(image: string, e: unknown): ImagePullError {
  const why = e instanceof Error ? e.message : String(e);
  // TODO(images): switch on a typed "not a wasm artifact" error once the image store has one.
  if (why.includes('not a wasm component artifact')) {
    const hint = `${why}; container images need the oci runtime, not yet available on this node`;
    return new ImagePullError(image, hint.replace(/^image "[^"]*": /, ''), { cause: e });
  }
  return e instanceof ImagePullError ? e : new ImagePullError(image, why, { cause: e });
}

/** The container's first declared containerPort: what a wasi:http component is served on. */
function httpPortOf(pod: SandboxSpec, container: Container): number {
  const declared = pod.ports?.find((p) => p.containerName === container.name)?.containerPort;
  const port = declared ?? container.ports?.[0]?.containerPort;
  if (port === undefined) {
    throw new ContainerStartError(
      `container ${container.name}: ports: a wasi:http component needs a containerPort`,
    );
  }
  return port;
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
