/**
 * Endpoints: addresses and ports of a service's backends.
 */
import type { EndpointPort, Endpoints } from 'kubernetes-types/core/v1.js';
import { invalidIPMessage, isIP } from '../names/ip.ts';
import { isValidPortNum } from '../names/misc.ts';
import { validateDNS1123Label, validateDNS1123Subdomain } from './common.ts';
import { portProtocols } from './container.ts';
import { invalid, notSupported, required, type FieldError } from './field-error.ts';
import { list, record, shape, str } from './helpers.ts';
import { child, index } from './path.ts';

function validateAddress(raw: unknown, path: string): FieldError[] {
  const a = record(raw);
  const errs: FieldError[] = [];
  const ip = str(a.ip);
  if (!isIP(ip)) errs.push(invalid(child(path, 'ip'), ip, invalidIPMessage));
  if (str(a.hostname)) errs.push(...validateDNS1123Label(str(a.hostname), child(path, 'hostname')));
  if (str(a.nodeName))
    errs.push(...validateDNS1123Subdomain(str(a.nodeName), child(path, 'nodeName')));
  return errs;
}

function validatePort(p: EndpointPort, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(p.name);
  if (requireName && !name) errs.push(required(child(path, 'name')));
  else if (name) errs.push(...validateDNS1123Label(name, child(path, 'name')));
  for (const m of isValidPortNum(p.port)) errs.push(invalid(child(path, 'port'), p.port ?? 0, m));
  const protocol = str(p.protocol);
  if (!protocol) errs.push(required(child(path, 'protocol')));
  else if (!portProtocols.includes(protocol))
    errs.push(notSupported(child(path, 'protocol'), protocol, portProtocols));
  return errs;
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs: FieldError[] = [];
  list(ep.subsets).forEach((raw, i) => {
    const ss = record(raw);
    const at = index('subsets', i);
    const ready = list(ss.addresses);
    const notReady = list(ss.notReadyAddresses);
    if (!ready.length && !notReady.length) {
      errs.push(required(at, 'must specify `addresses` or `notReadyAddresses`'));
    }
    ready.forEach((a, j) => errs.push(...validateAddress(a, index(child(at, 'addresses'), j))));
    notReady.forEach((a, j) =>
      errs.push(...validateAddress(a, index(child(at, 'notReadyAddresses'), j))),
    );
    const ports = list(ss.ports);
    ports.forEach((p, j) =>
      errs.push(
        ...validatePort(shape<EndpointPort>(p), ports.length > 1, index(child(at, 'ports'), j)),
      ),
    );
  });
  return errs;
}
