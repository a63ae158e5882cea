/**
 * How the fake agent's "containers" behave, set by a test per pod name or per image:
 *
 *   const rules = new PodRules();
 *   rules.add({ image: 'registry.local/batch:1', behaviour: runFor(3000) }); // exits 0 after 3 s
 *   rules.add({ podName: /^flaky-/, behaviour: fail() });
 *   rules.add({ podName: /^slow-/, behaviour: neverReady() });
 *
 * The most recently added matching rule wins; a pod no rule matches runs forever and is ready
 * as soon as it starts.
 */
import type { KubeObject } from '@wisp/api';

export interface PodBehaviour {
  /** ContainerCreating (image pull, sandbox) before the containers start. */
  readonly startDelayMs?: number;
  /** Running but not yet Ready this long after each start. */
  readonly readyDelayMs?: number;
  /** false: the readiness probe never passes. */
  readonly ready?: boolean;
  /** The containers exit this long after each start… */
  readonly exitAfterMs?: number;
  /** …with this code (default 0). */
  readonly exitCode?: number;
}

export interface PodRule {
  /** A regular expression (or its source) the pod's name must match. */
  readonly podName?: RegExp | string;
  readonly namespace?: string;
  /** A container image: a string matches exactly, a RegExp by test. */
  readonly image?: RegExp | string;
  readonly behaviour: PodBehaviour;
}

/** Runs until deleted, ready at once: what a pod without a rule does. */
export const runForever = (): PodBehaviour => ({});

/** Runs for `ms`, then exits with `exitCode`. */
export const runFor = (ms: number, exitCode = 0): PodBehaviour => ({ exitAfterMs: ms, exitCode });

/** Exits with a failure `afterMs` after starting. */
export const fail = (afterMs = 0, exitCode = 1): PodBehaviour => ({
  exitAfterMs: afterMs,
  exitCode,
});

/** Runs, but its readiness probe never passes. */
export const neverReady = (): PodBehaviour => ({ ready: false });

interface PodShape {
  metadata: { name?: string; namespace?: string };
  spec?: { containers?: { image?: string }[]; initContainers?: { image?: string }[] };
}

export class PodRules {
  #rules: PodRule[] = [];

  /** Adds a rule; the returned function removes it again. */
  add(rule: PodRule): () => void {
    this.#rules.push(rule);
    return () => {
      this.#rules = this.#rules.filter((r) => r !== rule);
    };
  }

  clear(): void {
    this.#rules = [];
  }

  behaviourFor(pod: KubeObject): PodBehaviour {
    for (let i = this.#rules.length - 1; i >= 0; i--) {
      if (matches(this.#rules[i], pod as unknown as PodShape)) return this.#rules[i].behaviour;
    }
    return runForever();
  }
}

function matches(rule: PodRule, pod: PodShape): boolean {
  if (rule.namespace !== undefined && rule.namespace !== pod.metadata.namespace) return false;
  if (rule.podName !== undefined) {
    if (!test(rule.podName, pod.metadata.name ?? '')) return false;
  }
  if (rule.image !== undefined) {
    const wanted = rule.image;
    const images = (pod.spec?.containers ?? []).map((c) => c.image ?? '');
    const hit = (image: string) =>
      typeof wanted === 'string' ? image === wanted : test(wanted, image);
    if (!images.some(hit)) return false;
  }
  return true;
}

function test(pattern: RegExp | string, text: string): boolean {
  const re = typeof pattern === 'string' ? new RegExp(pattern) : pattern;
  // A global or sticky RegExp keeps its position between calls; every pod starts afresh.
  re.lastIndex = 0;
  return re.test(text);
}
