/**
 * What the wasm runtime holds per pod sandbox and per started container.
 */
import type { ContainerState, SandboxRef, SandboxSpec } from '@wisp/core';
import type { ContainerLog } from '@wisp/core/container-log.ts';
import type { CommandHandle, HttpServiceHandle } from './engine.ts';

export interface WasmContainer {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly imageId: string;
  current: ContainerState;
  readonly handle: CommandHandle | HttpServiceHandle;
  readonly log: ContainerLog;
}

export interface WasmSandbox {
  readonly ref: SandboxRef;
  readonly spec: SandboxSpec;
  readonly containers: WasmContainer[];
}
