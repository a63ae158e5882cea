/**
 * The `PodRuntime` port (DESIGN §7): what the agent's pod manager needs from a runtime, in the
 * spirit of the CRI — a sandbox per pod, containers inside it. wasm, oci and testkit's
 * FakeRuntime implement it and share one conformance suite.
 *
 *   await runtime.pull(container.image);
 *   const sandbox = await runtime.createSandbox({ uid, namespace, name, podIp });
 *   const id = await runtime.start(sandbox, container);
 *   (await runtime.status(sandbox)).containers; // running / exited with code
 *   await runtime.stop(sandbox, id, { gracePeriodMs: 30_000 });
 *   await runtime.remove(sandbox);
 */
import type { Container } from 'kubernetes-types/core/v1.js';

export interface SandboxSpec {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  /** The pod's IP from the node's pod CIDR. */
  readonly podIp: string;
}

export interface SandboxRef {
  readonly id: string;
  readonly podUid: string;
}

export type ContainerState =
  | { readonly state: 'running'; readonly startedAtMs: number }
  | {
      readonly state: 'exited';
      readonly exitCode: number;
      readonly startedAtMs: number;
      readonly finishedAtMs: number;
      readonly reason: string;
    };

export interface ContainerRuntimeStatus {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly current: ContainerState;
}

export interface SandboxStatus {
  readonly sandbox: SandboxRef;
  readonly containers: readonly ContainerRuntimeStatus[];
}

export interface StopOptions {
  /** Time between the polite stop and the kill. */
  readonly gracePeriodMs: number;
}

export interface LogOptions {
  /** Only the last this many bytes. */
  readonly tailBytesMax?: number;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly output: string;
}

export interface PodRuntime {
  /** The `runtimeClassName`s this runtime serves (`wisp.dev/runtimes` node label). */
  readonly runtimeClasses: readonly string[];
  /** Fetches an image; rejects with `ImagePullError` if it cannot. */
  pull(image: string): Promise<void>;
  createSandbox(spec: SandboxSpec): Promise<SandboxRef>;
  /** Starts one container in the sandbox; resolves with its id. */
  start(sandbox: SandboxRef, container: Container): Promise<string>;
  /** Stops one container: polite first, killed after the grace period. */
  stop(sandbox: SandboxRef, containerId: string, options: StopOptions): Promise<void>;
  /** Stops whatever still runs and frees the sandbox. Removing an unknown sandbox is harmless. */
  remove(sandbox: SandboxRef): Promise<void>;
  /** Undefined for a sandbox the runtime does not know (for example after a reboot). */
  status(sandbox: SandboxRef): Promise<SandboxStatus | undefined>;
  /** Every sandbox the runtime holds, so a restarted agent can adopt or clean them up. */
  list(): Promise<SandboxRef[]>;
  logs(sandbox: SandboxRef, containerId: string, options?: LogOptions): Promise<string>;
  exec?(sandbox: SandboxRef, containerId: string, command: readonly string[]): Promise<ExecResult>;
}

/** An image that cannot be fetched (unknown, unreachable, digest mismatch). */
export class ImagePullError extends Error {
  readonly code = 'ERR_IMAGE_PULL' as const;
  readonly image: string;
  constructor(image: string, why: string, options?: { cause?: unknown }) {
    super(`image ${JSON.stringify(image)}: ${why}`, options);
    this.name = new.target.name;
    this.image = image;
  }
}
