/**
 * The only place that reads real time or schedules timers. Everything else takes a `Clock`, so
 * tests and the simulator can drive time by hand (STYLE rule 8).
 *
 *   const clock = systemClock();
 *   const t = clock.setTimeout(() => tick(), 1000);
 *   clock.clearTimeout(t);
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Monotonic milliseconds, for measuring durations. */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
  /** Resolves after `ms`; rejects with the signal's reason if aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** An AbortSignal that aborts after `ms`. */
  timeoutSignal(ms: number): AbortSignal;
}

export function systemClock(): Clock {
  let next = 1;
  const timers = new Map<number, NodeJS.Timeout>();
  const unref = (t: NodeJS.Timeout): NodeJS.Timeout => t;
  return {
    now: () => Date.now(),
    monotonic: () => performance.now(),
    setTimeout(fn, ms) {
      const id = next++;
      timers.set(
        id,
        unref(
          setTimeout(() => {
            timers.delete(id);
            fn();
          }, ms),
        ),
      );
      return { id };
    },
    clearTimeout(handle) {
      if (!handle) return;
      const t = timers.get(handle.id);
      if (t) clearTimeout(t);
      timers.delete(handle.id);
    },
    setInterval(fn, ms) {
      const id = next++;
      timers.set(id, setInterval(fn, ms));
      return { id };
    },
    clearInterval(handle) {
      if (!handle) return;
      const t = timers.get(handle.id);
      if (t) clearInterval(t);
      timers.delete(handle.id);
    },
    sleep(ms, signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const t = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        const onAbort = (): void => {
          clearTimeout(t);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    timeoutSignal: (ms) => AbortSignal.timeout(ms),
  };
}

/** RFC 3339 timestamp with second precision, as Kubernetes writes `metav1.Time`. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** RFC 3339 with microseconds, as Kubernetes writes `metav1.MicroTime`. */
export function rfc3339Micro(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
