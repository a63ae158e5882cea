/**
 * Where a fake pod's containers are at a given moment, as a pure function of when the agent took
 * the pod, how the pod behaves, its restart policy and (once it is being deleted) when it was
 * killed. The agent computes this on every sync, so status is level-triggered and a restart of
 * the sync loop cannot lose a transition.
 */
import type { PodBehaviour } from './pod-rules.ts';

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export interface ContainerRun {
  readonly startedAtMs: number;
  readonly finishedAtMs?: number;
  readonly exitCode?: number;
  /** The run ended because the pod was deleted. */
  readonly killed?: boolean;
}

export type TimelineStage = 'creating' | 'running' | 'backoff' | 'terminated';

export interface PodTimeline {
  readonly stage: TimelineStage;
  /** The run under way, or the last one once it ended; none while creating. */
  readonly current?: ContainerRun;
  /** The run before `current` (a container's `lastState`). */
  readonly previous?: ContainerRun;
  readonly restartCount: number;
  readonly ready: boolean;
  /** When `ready` last changed. */
  readonly readySinceMs: number;
  /** When the back-off before the next restart ends. */
  readonly backoffUntilMs?: number;
  /** The next moment this timeline changes on its own; undefined when it never will. */
  readonly wakeAtMs?: number;
}

export interface TimelineInput {
  readonly behaviour: PodBehaviour;
  readonly restartPolicy: RestartPolicy;
  /** When the agent took the pod. */
  readonly acceptedAtMs: number;
  readonly nowMs: number;
  /** When the agent saw the pod's deletionTimestamp and stopped its containers. */
  readonly killedAtMs?: number;
}

/** The kubelet's CrashLoopBackOff: 10 s, doubling, capped at 5 min. */
export const RESTART_BACKOFF_BASE_MS = 10_000;
export const RESTART_BACKOFF_MAX_MS = 300_000;
/** Exit code of a container stopped by SIGTERM. */
export const KILLED_EXIT_CODE = 143;
/** Bounds the replay of a crash loop; at the back-off cap this is over a month. */
const RESTARTS_MAX = 10_000;

export function restartBackoffMs(restartCount: number): number {
  return Math.min(
    RESTART_BACKOFF_MAX_MS,
    RESTART_BACKOFF_BASE_MS * 2 ** Math.min(restartCount, 16),
  );
}

export function podTimeline(input: TimelineInput): PodTimeline {
  const { behaviour, acceptedAtMs, killedAtMs } = input;
  const at = killedAtMs === undefined ? input.nowMs : Math.min(input.nowMs, killedAtMs);
  const startAt = acceptedAtMs + (behaviour.startDelayMs ?? 0);
  if (at < startAt) {
    if (killedAtMs !== undefined && input.nowMs >= killedAtMs) {
      return { stage: 'terminated', restartCount: 0, ready: false, readySinceMs: acceptedAtMs };
    }
    return {
      stage: 'creating',
      restartCount: 0,
      ready: false,
      readySinceMs: acceptedAtMs,
      wakeAtMs: startAt,
    };
  }
  const live = replay(input, startAt, at);
  if (killedAtMs === undefined || input.nowMs < killedAtMs) return live;
  return kill(live, killedAtMs);
}

function replay(input: TimelineInput, firstStartMs: number, at: number): PodTimeline {
  const { behaviour, restartPolicy } = input;
  const exitAfter = behaviour.exitAfterMs;
  const code = behaviour.exitCode ?? 0;
  let start = firstStartMs;
  let previous: ContainerRun | undefined;
  for (let restarts = 0; restarts < RESTARTS_MAX; restarts++) {
    if (exitAfter === undefined || at < start + exitAfter) {
      return running(behaviour, start, at, previous, restarts, exitAfter);
    }
    const ended: ContainerRun = {
      startedAtMs: start,
      finishedAtMs: start + exitAfter,
      exitCode: code,
    };
    const restart = restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && code !== 0);
    const base = { current: ended, previous, restartCount: restarts, ready: false };
    if (!restart) return { ...base, stage: 'terminated', readySinceMs: ended.finishedAtMs! };
    const backoffUntilMs = ended.finishedAtMs! + restartBackoffMs(restarts);
    if (at < backoffUntilMs) {
      return {
        ...base,
        stage: 'backoff',
        readySinceMs: ended.finishedAtMs!,
        backoffUntilMs,
        wakeAtMs: backoffUntilMs,
      };
    }
    previous = ended;
    start = backoffUntilMs;
  }
  return {
    stage: 'backoff',
    previous,
    restartCount: RESTARTS_MAX,
    ready: false,
    readySinceMs: start,
  };
}

function running(
  behaviour: PodBehaviour,
  start: number,
  at: number,
  previous: ContainerRun | undefined,
  restartCount: number,
  exitAfter: number | undefined,
): PodTimeline {
  const readyAt = start + (behaviour.readyDelayMs ?? 0);
  const canBeReady =
    behaviour.ready !== false && (exitAfter === undefined || readyAt < start + exitAfter);
  const ready = canBeReady && at >= readyAt;
  const wakes = [exitAfter === undefined ? Infinity : start + exitAfter];
  if (canBeReady && !ready) wakes.push(readyAt);
  const wakeAtMs = Math.min(...wakes);
  return {
    stage: 'running',
    current: { startedAtMs: start },
    previous,
    restartCount,
    ready,
    readySinceMs: ready ? readyAt : start,
    wakeAtMs: Number.isFinite(wakeAtMs) ? wakeAtMs : undefined,
  };
}

/** The pod is being deleted: whatever ran was stopped at `killedAtMs`. */
function kill(live: PodTimeline, killedAtMs: number): PodTimeline {
  const { current } = live;
  const stopped =
    live.stage === 'running' && current
      ? { ...current, finishedAtMs: killedAtMs, exitCode: KILLED_EXIT_CODE, killed: true }
      : current;
  return {
    stage: 'terminated',
    current: stopped,
    previous: live.previous,
    restartCount: live.restartCount,
    ready: false,
    readySinceMs: live.ready ? killedAtMs : live.readySinceMs,
  };
}
