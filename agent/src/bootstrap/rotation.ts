/**
 * Certificate rotation: a node renews its certificate with the certificate itself (no token) at a
 * random point between 70% and 90% of its lifetime, so a fleet joined together does not renew
 * together. The keys stay; only `node.crt` changes, and listeners (the libp2p side) are told, so
 * nothing running is dropped.
 *
 *   const rotator = createCertificateRotator({}, { clock, random, credentials: creds,
 *     onRenewed: (next) => gossip.updateCertificate(next.state.certificatePem) });
 *   await rotator.start();
 */
import { parseNodeIdentity } from '@wisp/api/wire/identity.ts';
import type { Clock, Random, TimerHandle } from '@wisp/core';
import { checkIssuedToUs, type NodeCredentials } from './bootstrap.ts';
import { requestRenewal } from './join-client.ts';
import { saveNodeState } from './node-state.ts';

export const renewFractionMinDefault = 0.7;
export const renewFractionMaxDefault = 0.9;
export const renewRetryMsMinDefault = 1_000;
export const renewRetryMsMaxDefault = 5 * 60_000;
/** setTimeout's largest delay; longer waits are taken in steps. */
export const timerMsMax = 2_147_483_647;

/** When to renew a certificate: a random point in [min, max] of its lifetime. */
export function renewAtMs(
  certPem: string,
  random: Random,
  fractions: { min?: number; max?: number } = {},
): number {
  const min = fractions.min ?? renewFractionMinDefault;
  const max = fractions.max ?? renewFractionMaxDefault;
  const { notBeforeMs, notAfterMs } = parseNodeIdentity(certPem);
  return Math.floor(
    notBeforeMs + (notAfterMs - notBeforeMs) * (min + (max - min) * random.float()),
  );
}

/** Renews once with the current certificate, stores the new one, and returns the credentials. */
export async function renewNodeCertificate(
  creds: NodeCredentials,
  deps: { readonly clock: Clock; readonly timeoutMs?: number },
): Promise<NodeCredentials> {
  const { state, keys } = creds;
  const response = await requestRenewal(
    state.server,
    { caPem: state.caPem, certPem: state.certificatePem, keyPem: keys.ed25519KeyPem },
    deps,
  );
  checkIssuedToUs(response, state.caPem, keys, state.nodeName);
  const next = { ...creds, state: { ...response, server: state.server } };
  await saveNodeState(creds.dir, next.state);
  return next;
}

export interface CertificateRotatorInit {
  readonly renewFractionMin?: number;
  readonly renewFractionMax?: number;
  readonly retryMsMin?: number;
  readonly retryMsMax?: number;
}

export interface CertificateRotatorComponents {
  readonly clock: Clock;
  readonly random: Random;
  readonly credentials: NodeCredentials;
  onRenewed?(next: NodeCredentials): void;
  onError?(error: unknown): void;
  /** Replaces the network call (tests). */
  renew?(creds: NodeCredentials): Promise<NodeCredentials>;
}

export interface CertificateRotator {
  start(): Promise<void>;
  stop(): Promise<void>;
  current(): NodeCredentials;
  /** When the next renewal is due, in clock milliseconds. */
  nextRenewalAtMs(): number;
}

export function createCertificateRotator(
  init: CertificateRotatorInit,
  c: CertificateRotatorComponents,
): CertificateRotator {
  const { clock } = c;
  const renew = c.renew ?? ((creds: NodeCredentials) => renewNodeCertificate(creds, { clock }));
  const fractions = { min: init.renewFractionMin, max: init.renewFractionMax };
  const retryMin = init.retryMsMin ?? renewRetryMsMinDefault;
  const retryMax = init.retryMsMax ?? renewRetryMsMaxDefault;
  let creds = c.credentials;
  let dueMs = renewAtMs(creds.state.certificatePem, c.random, fractions);
  let failures = 0;
  let timer: TimerHandle | undefined;
  let running = false;
  let inFlight: Promise<void> | undefined;

  const schedule = (): void => {
    if (!running) return;
    const waitMs = Math.max(0, dueMs - clock.now());
    timer = clock.setTimeout(tick, Math.min(waitMs, timerMsMax));
  };

  function tick(): void {
    timer = undefined;
    if (!running) return;
    if (clock.now() < dueMs) return schedule();
    inFlight = attempt().finally(() => (inFlight = undefined));
  }

  async function attempt(): Promise<void> {
    try {
      creds = await renew(creds);
      failures = 0;
      // A certificate already inside its renewal window (a short one, a skewed clock) must not
      // turn into a renewal loop.
      dueMs = Math.max(
        renewAtMs(creds.state.certificatePem, c.random, fractions),
        clock.now() + retryMin,
      );
      c.onRenewed?.(creds);
    } catch (e) {
      failures++;
      dueMs = clock.now() + Math.min(retryMax, retryMin * 2 ** Math.min(failures - 1, 30));
      c.onError?.(e);
    }
    schedule();
  }

  return {
    async start() {
      running = true;
      schedule();
    },
    async stop() {
      running = false;
      clock.clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
    current: () => creds,
    nextRenewalAtMs: () => dueMs,
  };
}
