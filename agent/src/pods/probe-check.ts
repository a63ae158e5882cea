/**
 * One probe check against the pod's loopback address (`podLoopback(podIP)`): httpGet succeeds
 * on a status from 200 to 399, tcpSocket on an accepted connection, each within timeoutSeconds
 * on the injected Clock. exec needs a runtime that can exec; the wasm runtime cannot.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import type { Clock } from '@wisp/core';

export interface ProbeTarget {
  /** The pod's loopback host. */
  readonly host: string;
  readonly container: Container;
}

export interface ProbeResult {
  readonly ok: boolean;
  readonly message?: string;
}

export type ProbeChecker = (
  probe: Probe,
  target: ProbeTarget,
  timeoutMs: number,
) => Promise<ProbeResult>;

/** Named ports (`port: http`) resolve through the container's declared ports. */
export function probePort(port: number | string, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

export function networkProbeChecker(clock: Clock): ProbeChecker {
  return async (probe, target, timeoutMs) => {
    const signal = clock.timeoutSignal(timeoutMs);
    try {
      if (probe.httpGet) return await httpCheck(probe, target, signal);
      if (probe.tcpSocket) return await tcpCheck(probe, target, signal);
      return { ok: false, message: 'probe: only httpGet and tcpSocket are supported' };
    } catch (e) {
      const why = signal.aborted ? `timed out after ${timeoutMs} ms` : (e as Error).message;
      return { ok: false, message: why };
    }
  };
}

function httpCheck(probe: Probe, target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
  const get = probe.httpGet!;
  const port = probePort(get.port, target.container);
  if (port === undefined)
    return Promise.resolve({ ok: false, message: `port ${get.port}: not declared` });
  const host = get.host || target.host;
  const path = get.path || '/';
  const https = get.scheme === 'HTTPS';
  const headers: Record<string, string> = { 'user-agent': 'kube-probe/1.34', accept: '*/*' };
  for (const h of get.httpHeaders ?? []) headers[h.name.toLowerCase()] = h.value;
  const url = `${https ? 'https' : 'http'}://${host}:${port}${path}`;
  return new Promise((resolve, reject) => {
    const send = https ? httpsRequest : httpRequest;
    const req = send(
      url,
      { method: 'GET', headers, signal, ...(https ? { rejectUnauthorized: false } : {}) },
      (res) => {
        const status = res.statusCode ?? 0;
        // The body does not matter; drop it rather than buffer what a handler sends.
        res.resume();
        res.on('error', () => undefined);
        const ok = status >= 200 && status < 400;
        resolve(ok ? { ok } : { ok, message: `HTTP probe failed with statuscode: ${status}` });
      },
    );
    req.on('error', (e) => reject(new Error(`Get "${url}": ${e.message}`)));
    req.end();
  });
}

function tcpCheck(probe: Probe, target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
  const sock = probe.tcpSocket!;
  const port = probePort(sock.port, target.container);
  if (port === undefined)
    return Promise.resolve({ ok: false, message: `port ${sock.port}: not declared` });
  const host = sock.host || target.host;
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, signal });
    s.once('connect', () => {
      s.destroy();
      resolve({ ok: true });
    });
    s.once('error', (e) => reject(new Error(`dial tcp ${host}:${port}: ${e.message}`)));
  });
}
