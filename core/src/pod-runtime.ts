/**
 * The `PodRuntime` port (DESIGN §7): what the agent's pod manager needs from a runtime, in the
 * spirit of the CRI — a sandbox per pod, containers inside it. The pod manager resolves what a
 * kubelet resolves (env, volumes as host paths, the log file, limits, deadlines) and hands the
 * result over in a `ContainerConfig`; the runtime only runs. wasm, oci and testkit's FakeRuntime
 * implement it and share one conformance suite (testkit `runtimeConformance`).
 *
 *   await runtime.pull(container.image);
 *   const sandbox = await runtime.createSandbox({ uid, namespace, name, podIp, ports });
 *   const id = await runtime.start(sandbox, container, { env, mounts, logPath, limits });
 *   (await runtime.status(sandbox)).containers; // running / exited with code and reason
 *   await runtime.stop(sandbox, id, { gracePeriodMs: 30_000 });
 *   await runtime.remove(sandbox);
 */
import type { Container } from 'kubernetes-types/core/v1.js';

/** One declared container port of the pod (`spec.containers[*].ports[*]`). */
export interface SandboxPort {
  readonly containerName: string;
  readonly containerPort: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly name?: string;
}

export interface SandboxSpec {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  /** The pod's IP from the node's pod CIDR. */
  readonly podIp: string;
  /** `spec.runtimeClassName`; undefined lets the runtime decide from the image. */
  readonly runtimeClassName?: string;
  /** Every container's declared ports. */
  readonly ports?: readonly SandboxPort[];
  /** The pod's annotations (runtime tuning such as `wisp.dev/pool-size`). */
  readonly annotations?: Readonly<Record<string, string>>;
  /** The pod's labels (the source identity NetworkPolicy matches on). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface SandboxRef {
  readonly id: string;
  readonly podUid: string;
}

export interface EnvPair {
  readonly name: string;
  readonly value: string;
}

/** A volume the pod manager materialised on the host, seen by the container at containerPath. */
export interface Mount {
  readonly containerPath: string;
  readonly hostPath: string;
  readonly readOnly: boolean;
}

export interface ContainerLimits {
  /** `resources.limits.memory` in bytes; the runtime applies its own default when unset. */
  readonly memoryBytes?: number;
  /** `resources.limits.cpu` in millicores. */
  readonly cpuMillis?: number;
}

/** What the pod manager resolved for one container start. */
export interface ContainerConfig {
  /** The container's environment, `$(VAR)` references already expanded, in spec order. */
  readonly env: readonly EnvPair[];
  readonly mounts: readonly Mount[];
  /** The file stdout and stderr go to (CRI log format, through `openContainerLog`). */
  readonly logPath: string;
  readonly limits: ContainerLimits;
  /** Wall-clock time left before the pod's activeDeadlineSeconds; the runtime kills after it. */
  readonly deadlineMs?: number;
}

/**
 * Why a container ended. Kubernetes' own: `Completed` (exit 0), `Error`, `OOMKilled`,
 * `DeadlineExceeded`; runtimes may add others (`Killed` after a stop past its grace).
 */
export type ExitReason = 'Completed' | 'Error' | 'OOMKilled' | 'DeadlineExceeded' | (string & {});

export type ContainerState =
  | { readonly state: 'running'; readonly startedAtMs: number }
  | {
      readonly state: 'exited';
      readonly exitCode: number;
      readonly startedAtMs: number;
      readonly finishedAtMs: number;
      readonly reason: ExitReason;
      readonly message?: string;
    };

export interface ContainerRuntimeStatus {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  /** The content digest the container runs (`sha256:…`), when the runtime knows it. */
  readonly imageId?: string;
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
  start(sandbox: SandboxRef, container: Container, config: ContainerConfig): Promise<string>;
  /** Stops one container: polite first, killed after the grace period. */
  stop(sandbox: SandboxRef, containerId: string, options: StopOptions): Promise<void>;
  /** Stops whatever still runs and frees the sandbox. Removing an unknown sandbox is harmless. */
  remove(sandbox: SandboxRef): Promise<void>;
  /** Undefined for a sandbox the runtime does not know (for example after a reboot). */
  status(sandbox: SandboxRef): Promise<SandboxStatus | undefined>;
  /** Every sandbox the runtime holds, so a restarted agent can adopt or clean them up. */
  list(): Promise<SandboxRef[]>;
  exec?(sandbox: SandboxRef, containerId: string, command: readonly string[]): Promise<ExecResult>;
  /** Stops every instance (agent shutdown); the runtime is unusable afterwards. */
  close?(): Promise<void>;
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

/** A container the runtime cannot start as specified (bad port, unsupported world, ...). */
export class ContainerStartError extends Error {
  readonly code = 'ERR_CONTAINER_START' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
