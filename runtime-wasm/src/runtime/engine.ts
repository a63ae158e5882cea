/**
 * What the wasm runtime needs from the layers under it, as structural types matching the issue 4
 * contracts (image store, transpile cache, cli instances, http services), so the runtime is
 * tested with fakes and composed with the real ones in `create-wasm-runtime.ts`.
 */
import type { OutgoingPolicy } from '../http/outgoing-policy.ts';

export type { OutgoingPolicy };

export interface PulledComponent {
  /** `sha256:…` of the component bytes. */
  readonly digest: string;
  /** The verified `.wasm` file in the content-addressed cache. */
  readonly path: string;
  readonly size: number;
}

export interface ComponentSource {
  /** Resolves a reference to a verified local component; rejects with `ImagePullError`. */
  pull(ref: string): Promise<PulledComponent>;
  /** Keeps a component from cache eviction while an instance runs from it (counted). */
  pin?(digest: string): void;
  unpin?(digest: string): void;
}

export type ComponentWorld = 'cli' | 'http';

export interface Transpiler {
  prepare(digest: string, componentPath: string): Promise<{ dir: string; world: ComponentWorld }>;
}

export interface InstanceSpec {
  readonly componentDir: string;
  readonly world: ComponentWorld;
  /** argv[0] is the container name. */
  readonly args: readonly string[];
  readonly env: readonly [string, string][];
  readonly preopens: readonly { guestPath: string; hostPath: string; readOnly: boolean }[];
  /** Caps linear memory and the worker's JS heap. */
  readonly memoryBytesMax: number;
  /** cli: wall-clock deadline for run(); http: per request. */
  readonly deadlineMs?: number;
  /** cli: CPU time the instance may use (the CPU limit over the deadline), if both are set. */
  readonly cpuMsMax?: number;
  readonly stdout: (chunk: Uint8Array) => void;
  readonly stderr: (chunk: Uint8Array) => void;
}

export type InstanceExitReason =
  'Completed' | 'Error' | 'OOMKilled' | 'DeadlineExceeded' | 'Killed';

export interface InstanceExit {
  readonly exitCode: number;
  readonly reason: InstanceExitReason;
  readonly message?: string;
}

export interface HttpServiceSpec extends InstanceSpec {
  readonly host: string;
  readonly port: number;
  readonly poolSize: number;
  readonly outgoing: OutgoingPolicy;
}

export interface CommandHandle {
  readonly exited: Promise<InstanceExit>;
  kill(): Promise<void>;
}

export interface HttpServiceHandle {
  readonly address: { host: string; port: number };
  readonly exited: Promise<InstanceExit>;
  /** Stops accepting, lets requests in flight finish within graceMs. */
  drain(graceMs: number): Promise<void>;
  kill(): Promise<void>;
}

/** Starts instances of prepared components. */
export interface InstanceEngine {
  runCommand(spec: InstanceSpec): CommandHandle;
  startHttpService(spec: HttpServiceSpec): Promise<HttpServiceHandle>;
  /** Ends what the engine keeps between starts (spare threads). */
  close?(): Promise<void>;
}
