/**
 * The three calls an agent makes to the apiserver's join endpoints. Only `fetchPinnedCa` runs
 * with TLS verification off, and it sends nothing secret: it fetches the CA and checks it against
 * the join token's hash before anything else is sent. Join and renew are pinned to that CA.
 *
 *   const caPem = await fetchPinnedCa(server, token.caHash, { clock });
 *   const answer = await requestJoin(server, caPem, tokenText, body, { clock });
 */
import { caCertificateHash, caPath, joinPath, renewPath } from '@wisp/api/wire/join.ts';
import { validateJoinResponse } from '@wisp/api/wire/join.ts';
import type { JoinRequest, JoinResponse } from '@wisp/api/wire/join.ts';
import type { Clock } from '@wisp/core';
import { JoinRefusedError, JoinResponseError, ServerCaMismatchError } from './errors.ts';
import { httpsRequest, type HttpsResponse } from './https-client.ts';

export const caBytesMax = 16 * 1024;

interface Deps {
  readonly clock: Clock;
  readonly timeoutMs?: number;
}

/** The server's CA, if its SHA-256 is `expectedHash`; ServerCaMismatchError otherwise. */
export async function fetchPinnedCa(
  server: string,
  expectedHash: string,
  deps: Deps,
): Promise<string> {
  const res = await httpsRequest(
    {
      url: server + caPath,
      tls: { insecure: true },
      timeoutMs: deps.timeoutMs,
      responseBytesMax: caBytesMax,
    },
    deps,
  );
  if (res.status !== 200) throw refused('GET CA', res);
  let actual: string;
  try {
    actual = caCertificateHash(res.text);
  } catch (cause) {
    throw new JoinResponseError(`${server}${caPath}: not a PEM certificate`, { cause });
  }
  if (actual !== expectedHash) throw new ServerCaMismatchError(server, expectedHash, actual);
  return res.text;
}

export async function requestJoin(
  server: string,
  caPem: string,
  token: string,
  body: JoinRequest,
  deps: Deps,
): Promise<JoinResponse> {
  const res = await httpsRequest(
    {
      url: server + joinPath,
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      json: body,
      tls: { caPem },
      timeoutMs: deps.timeoutMs,
    },
    deps,
  );
  return answerOf('join', res);
}

/** Renews with the node's current certificate as the TLS client certificate. */
export async function requestRenewal(
  server: string,
  tls: { caPem: string; certPem: string; keyPem: string },
  deps: Deps,
): Promise<JoinResponse> {
  const res = await httpsRequest(
    { url: server + renewPath, method: 'POST', json: {}, tls, timeoutMs: deps.timeoutMs },
    deps,
  );
  return answerOf('renew', res);
}

function answerOf(what: string, res: HttpsResponse): JoinResponse {
  if (res.status !== 200) throw refused(what, res);
  try {
    return validateJoinResponse(JSON.parse(res.text));
  } catch (cause) {
    throw new JoinResponseError(`${what}: ${(cause as Error).message}`, { cause });
  }
}

function refused(what: string, res: HttpsResponse): JoinRefusedError {
  let message = res.text.slice(0, 512);
  try {
    message = (JSON.parse(res.text) as { message?: string }).message ?? message;
  } catch {
    // Not a Status: keep the text.
  }
  return new JoinRefusedError(what, res.status, message);
}
