/**
 * The dashboard's time, in one place as `@wisp/core`'s Clock is for Node code: the dashboard
 * runs in a browser and may import only `@wisp/api`, so it cannot take core's Clock. Everything
 * else receives this as a parameter, so the pure parts are tested with fixed times.
 */

export interface BrowserClock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const browserClock: BrowserClock = {
  // eslint-disable-next-line no-restricted-properties -- the browser's one wall clock (see above)
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      // eslint-disable-next-line no-restricted-globals -- the browser's one timer (see above)
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    }),
};
