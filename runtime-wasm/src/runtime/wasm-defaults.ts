/**
 * The wasm runtime's named defaults and the pod annotations that tune it.
 */

/** Linear memory + JS heap of an instance whose container sets no `limits.memory`. */
export const memoryBytesDefault = 128 * 1024 * 1024;

/** Instances kept warm per http container, unless `wisp.dev/pool-size` says otherwise. */
export const poolSizeDefault = 2;
/** The most instances one http container may pool (each one holds its own memory). */
export const poolSizeMax = 64;
export const poolSizeAnnotation = 'wisp.dev/pool-size';

/** Per-request deadline of an http component, unless `wisp.dev/request-timeout-seconds` says. */
export const requestTimeoutSecondsDefault = 30;
export const requestTimeoutSecondsMax = 3600;
export const requestTimeoutAnnotation = 'wisp.dev/request-timeout-seconds';

/** Bytes of a container's log file before it rotates. */
export const logBytesMaxDefault = 10 * 1024 * 1024;

/** Exit code reported for an instance killed by the agent (as SIGKILL's 128 + 9). */
export const killedExitCode = 137;
