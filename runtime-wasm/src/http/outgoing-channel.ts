/**
 * Worker side of outgoing requests. A synchronous guest cannot await, so the worker posts the
 * request to the parent and, when the guest blocks on the response, sleeps on a shared counter
 * (Atomics.wait) that the parent bumps after posting each reply; replies are then read with
 * `receiveMessageOnPort`, which does not need the worker's event loop.
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { OutgoingWireReply, OutgoingWireRequest } from './messages.ts';

export class OutgoingChannel {
  readonly #port: MessagePort;
  readonly #signal: Int32Array;
  readonly #replies = new Map<number, OutgoingWireReply>();
  #nextId = 1;

  constructor(port: MessagePort, signal: SharedArrayBuffer) {
    this.#port = port;
    this.#signal = new Int32Array(signal);
  }

  send(req: Omit<OutgoingWireRequest, 'id'>): number {
    const id = this.#nextId++;
    this.#port.postMessage({ ...req, id } satisfies OutgoingWireRequest);
    return id;
  }

  /** Whether the reply for `id` has arrived; does not block. */
  ready(id: number): boolean {
    this.#drain();
    return this.#replies.has(id);
  }

  /** Blocks the worker until the reply for `id` has arrived. */
  block(id: number): void {
    for (;;) {
      const seen = Atomics.load(this.#signal, 0);
      if (this.ready(id)) return;
      // Returns at once if the parent bumped the counter after `seen` was read.
      Atomics.wait(this.#signal, 0, seen);
    }
  }

  /** The reply for `id`, removed from the channel; `undefined` if it has not arrived. */
  take(id: number): OutgoingWireReply | undefined {
    this.#drain();
    const reply = this.#replies.get(id);
    if (reply) this.#replies.delete(id);
    return reply;
  }

  #drain(): void {
    for (let m = receiveMessageOnPort(this.#port); m; m = receiveMessageOnPort(this.#port)) {
      const reply = m.message as OutgoingWireReply;
      this.#replies.set(reply.id, reply);
    }
  }
}
