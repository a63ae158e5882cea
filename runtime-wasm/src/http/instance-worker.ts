/**
 * One pooled instance: a worker thread holding one instantiated http component, answering one
 * request at a time, with its outgoing channel served by the parent. `exit` settles once when
 * the worker goes away for any reason (including before it was ready).
 */
import { MessageChannel, type TransferListItem, type Worker } from 'node:worker_threads';
import type { Clock } from '@wisp/core';
import { exitFromWorkerError, type InstanceExit } from '../host/instance-exit.ts';
import type { InstanceWorkerMessage } from '../host/worker-messages.ts';
import type { HttpWorkerData, ServeReply, ServeRequest } from './messages.ts';
import { attachOutgoingBridge, type OutgoingLimits } from './outgoing-bridge.ts';
import type { OutgoingPolicy } from './outgoing-policy.ts';

export type { InstanceExit };

/** Starts a worker for world 'http' carrying `http` in its workerData (HOST's worker entry). */
export type SpawnHttpWorker = (http: HttpWorkerData, transferList: TransferListItem[]) => Worker;

export interface InstanceWorkerOptions {
  readonly spawn: SpawnHttpWorker;
  readonly policy: OutgoingPolicy;
  readonly limits: OutgoingLimits & {
    readonly responseBodyBytesMax: number;
    readonly outgoingRequestBytesMax: number;
  };
  readonly clock: Clock;
}

export class InstanceWorker {
  readonly ready: Promise<void>;
  readonly exit: Promise<InstanceExit>;
  readonly #worker: Worker;
  readonly #bridge: { close(): void };
  #pending: { id: number; resolve: (r: ServeReply) => void } | undefined;
  #exitWith: InstanceExit | undefined;
  #nextId = 1;

  constructor(opts: InstanceWorkerOptions) {
    const channel = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    const data: HttpWorkerData = {
      outgoingPort: channel.port2,
      outgoingSignal: signal,
      responseBytesMax: opts.limits.responseBodyBytesMax,
      outgoingRequestBytesMax: opts.limits.outgoingRequestBytesMax,
    };
    this.#bridge = attachOutgoingBridge(
      channel.port1,
      signal,
      opts.policy,
      opts.limits,
      opts.clock,
    );
    this.#worker = opts.spawn(data, [channel.port2]);
    const ready = Promise.withResolvers<void>();
    const exit = Promise.withResolvers<InstanceExit>();
    this.ready = ready.promise;
    this.exit = exit.promise;
    this.#worker.on('message', (msg: ServeReply | InstanceWorkerMessage) => {
      if (msg?.type === 'http-ready') ready.resolve();
      else if (msg?.type === 'http-response' || msg?.type === 'http-failed') this.#settle(msg);
      // HOST's entry reports how instantiation failed (e.g. OOMKilled) before the thread ends.
      else if (msg?.type === 'instance-exit') this.#exitWith ??= msg.exit;
    });
    this.#worker.on('error', (err) => {
      this.#exitWith ??= exitFromWorkerError(err);
    });
    this.#worker.on('exit', (code) => {
      this.#bridge.close();
      const result = this.#exitWith ?? {
        exitCode: code === 0 ? 1 : code,
        reason: 'Error',
        message: `instance worker exited with code ${code}`,
      };
      ready.reject(Object.assign(new Error(result.message ?? result.reason), { exit: result }));
      exit.resolve(result);
      const pending = this.#pending;
      this.#pending = undefined;
      const detail = result.message ? `: ${result.message}` : '';
      const message = `instance ended: ${result.reason}${detail}`;
      pending?.resolve({ type: 'http-failed', id: pending.id, trapped: true, message });
    });
    // The pool awaits `ready`; an unawaited rejection here would be reported twice.
    this.ready.catch(() => {});
  }

  /** Hands one request to the instance; the pool sends the next only after this settles. */
  run(req: Omit<ServeRequest, 'type' | 'id'>): Promise<ServeReply> {
    if (this.#pending) throw new Error('instance worker is busy');
    const id = this.#nextId++;
    const done = Promise.withResolvers<ServeReply>();
    this.#pending = { id, resolve: done.resolve };
    const msg: ServeRequest = { ...req, type: 'http-request', id };
    this.#worker.postMessage(msg);
    return done.promise;
  }

  /** Ends the worker now, recording why (the first reason given wins). */
  async terminate(exit: InstanceExit): Promise<void> {
    this.#exitWith ??= exit;
    await this.#worker.terminate();
    await this.exit;
  }

  #settle(reply: ServeReply & { id: number }): void {
    if (this.#pending?.id !== reply.id) return;
    const { resolve } = this.#pending;
    this.#pending = undefined;
    resolve(reply);
  }
}
