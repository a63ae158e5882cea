/**
 * Probes and lifecycle hooks: exactly one handler, each handler well formed.
 */
import type { LifecycleHandler, Probe } from 'kubernetes-types/core/v1.js';
import { isHTTPHeaderName, isValidPortNum } from '../names/misc.ts';
import { each, validateNonNegative, validatePortNumOrName } from './common.ts';
import { forbidden, invalid, notSupported, required, type FieldError } from './field-error.ts';
import { isSet, list, record, str } from './helpers.ts';
import { child, index } from './path.ts';

type Handler = Partial<Record<'exec' | 'httpGet' | 'tcpSocket' | 'grpc' | 'sleep', unknown>>;

const checks: Record<keyof Handler, (v: Record<string, unknown>, path: string) => FieldError[]> = {
  exec: (v, p) => (list(v.command).length ? [] : [required(child(p, 'command'))]),
  httpGet: validateHTTPGet,
  tcpSocket: (v, p) => validatePortNumOrName(v.port, child(p, 'port')),
  grpc: (v, p) => {
    const port = v.port;
    if (typeof port !== 'number')
      return [invalid(child(p, 'port'), port ?? null, 'must be an integer')];
    return isValidPortNum(port).map((msg) => invalid(child(p, 'port'), port, msg));
  },
  sleep: (v, p) => validateNonNegative(v.seconds, child(p, 'seconds')),
};

function validateHTTPGet(v: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(v.path)) errs.push(required(child(path, 'path')));
  errs.push(...validatePortNumOrName(v.port, child(path, 'port')));
  const scheme = str(v.scheme);
  if (scheme !== 'HTTP' && scheme !== 'HTTPS') {
    errs.push(notSupported(child(path, 'scheme'), v.scheme ?? '', ['HTTP', 'HTTPS']));
  }
  list(v.httpHeaders).forEach((h, i) => {
    const name = str(record(h).name);
    errs.push(...each(name, child(index(child(path, 'httpHeaders'), i), 'name'), isHTTPHeaderName));
  });
  return errs;
}

/** Exactly one of the `allowed` handler kinds must be set. */
export function validateHandler(
  handler: Handler,
  allowed: readonly (keyof Handler)[],
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of allowed) {
    if (!isSet(handler[kind])) continue;
    if (count > 0) {
      errs.push(forbidden(child(path, kind), 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    errs.push(...checks[kind](record(handler[kind]), child(path, kind)));
  }
  if (count === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

export function validateProbe(probe: Probe | undefined, path: string): FieldError[] {
  if (!probe) return [];
  const errs = validateHandler(probe as Handler, ['exec', 'httpGet', 'tcpSocket', 'grpc'], path);
  for (const f of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ] as const) {
    errs.push(...validateNonNegative(probe[f], child(path, f)));
  }
  const grace = probe.terminationGracePeriodSeconds;
  if (typeof grace === 'number' && grace <= 0) {
    errs.push(
      invalid(child(path, 'terminationGracePeriodSeconds'), grace, 'must be greater than 0'),
    );
  }
  return errs;
}

export function validateLifecycleHandler(
  h: LifecycleHandler | undefined,
  path: string,
): FieldError[] {
  if (!h) return [];
  return validateHandler(h as Handler, ['exec', 'httpGet', 'tcpSocket', 'sleep'], path);
}
