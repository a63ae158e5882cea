/**
 * Services: type, ports, selector, session affinity, cluster IPs.
 */
import type { Service, ServicePort, ServiceSpec } from 'kubernetes-types/core/v1.js';
import { isIP, invalidIPMessage } from '../names/ip.ts';
import { isValidPortNum } from '../names/misc.ts';
import {
  validateDNS1123Label,
  validateDNS1123Subdomain,
  validateImmutable,
  validateLabels,
  validatePortNumOrName,
  validateQualifiedName,
} from './common.ts';
import { portProtocols } from './container.ts';
import {
  duplicate,
  forbidden,
  invalid,
  notSupported,
  required,
  type FieldError,
} from './field-error.ts';
import { isSet, list, shape, str } from './helpers.ts';
import { child, index } from './path.ts';

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const kubeletPort = 10250;
export const clientIPAffinitySecondsMax = 86400;

function validatePort(
  sp: ServicePort,
  requireName: boolean,
  names: Set<string>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(sp.name);
  if (requireName && !name) errs.push(required(child(path, 'name')));
  else if (name) {
    errs.push(...validateDNS1123Label(name, child(path, 'name')));
    if (names.has(name)) errs.push(duplicate(child(path, 'name'), name));
    names.add(name);
  }
  const port = typeof sp.port === 'number' ? sp.port : 0;
  for (const m of isValidPortNum(port)) errs.push(invalid(child(path, 'port'), sp.port ?? 0, m));
  const protocol = str(sp.protocol);
  if (!protocol) errs.push(required(child(path, 'protocol')));
  else if (!portProtocols.includes(protocol))
    errs.push(notSupported(child(path, 'protocol'), protocol, portProtocols));
  errs.push(...validatePortNumOrName(sp.targetPort ?? 0, child(path, 'targetPort')));
  if (isSet(sp.appProtocol))
    errs.push(...validateQualifiedName(str(sp.appProtocol), child(path, 'appProtocol')));
  return errs;
}

function validatePorts(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const ports = list(spec.ports);
  const names = new Set<string>();
  const seen = new Set<string>();
  const nodePorts = new Set<string>();
  ports.forEach((raw, i) => {
    const sp = shape<ServicePort>(raw);
    const at = index('spec.ports', i);
    errs.push(...validatePort(sp, ports.length > 1, names, at));
    if (sp.nodePort && spec.type === 'ClusterIP') {
      errs.push(forbidden(child(at, 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    }
    if (sp.nodePort) {
      const id = `${sp.protocol}/${sp.nodePort}`;
      if (nodePorts.has(id)) errs.push(duplicate(child(at, 'nodePort'), sp.nodePort));
      nodePorts.add(id);
    }
    const id = `${sp.protocol}/${sp.port}`;
    if (seen.has(id)) errs.push(duplicate(at, { port: sp.port, protocol: sp.protocol }));
    seen.add(id);
    if (spec.type === 'LoadBalancer' && sp.port === kubeletPort) {
      errs.push(
        invalid(
          at,
          sp.port,
          `may not expose port ${kubeletPort} externally since it is used by kubelet`,
        ),
      );
    }
  });
  return errs;
}

function validateClusterIPs(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const ip = str(spec.clusterIP);
  if (ip && ip !== 'None' && !isIP(ip)) errs.push(invalid('spec.clusterIP', ip, invalidIPMessage));
  const ips = list(spec.clusterIPs);
  ips.forEach((x, i) => {
    const at = index('spec.clusterIPs', i);
    if (i === 0 && x === 'None') {
      if (ips.length > 1) errs.push(invalid(at, x, "'None' must be the first and only value"));
    } else if (!isIP(str(x))) errs.push(invalid(at, x, invalidIPMessage));
  });
  if (ip && ips.length && ips[0] !== ip) {
    errs.push(invalid('spec.clusterIPs', ips, 'must be consistent with `spec.clusterIP`'));
  }
  list(spec.externalIPs).forEach((x, i) => {
    if (!isIP(str(x))) errs.push(invalid(index('spec.externalIPs', i), x, invalidIPMessage));
  });
  return errs;
}

function validateTypeRules(spec: ServiceSpec, headless: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const type = spec.type;
  if (!type) errs.push(required('spec.type'));
  else if (!serviceTypes.includes(type)) errs.push(notSupported('spec.type', type, serviceTypes));
  if (!list(spec.ports).length && !headless && type !== 'ExternalName')
    errs.push(required('spec.ports'));
  if ((type === 'LoadBalancer' || type === 'NodePort') && headless) {
    errs.push(invalid('spec.clusterIP', 'None', `may not be set to 'None' for ${type} services`));
  }
  if (type === 'ExternalName') {
    if (str(spec.clusterIP) || list(spec.clusterIPs).length) {
      errs.push(forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
    }
    const cname = str(spec.externalName).replace(/\.$/, '');
    if (!cname) errs.push(required('spec.externalName'));
    else errs.push(...validateDNS1123Subdomain(cname, 'spec.externalName'));
  }
  return errs;
}

function validateAffinityAndPolicies(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const affinity = spec.sessionAffinity;
  if (!affinity) errs.push(required('spec.sessionAffinity'));
  else if (affinity !== 'ClientIP' && affinity !== 'None') {
    errs.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  }
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (
    affinity === 'ClientIP' &&
    !(typeof timeout === 'number' && timeout > 0 && timeout <= clientIPAffinitySecondsMax)
  ) {
    errs.push(
      invalid(
        'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
        timeout ?? null,
        `must be greater than 0 and less than ${clientIPAffinitySecondsMax}`,
      ),
    );
  }
  if (affinity === 'None' && isSet(spec.sessionAffinityConfig)) {
    errs.push(
      forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'),
    );
  }
  for (const f of ['internalTrafficPolicy', 'externalTrafficPolicy'] as const) {
    const v = spec[f];
    if (isSet(v) && v !== 'Cluster' && v !== 'Local')
      errs.push(notSupported(`spec.${f}`, v, ['Cluster', 'Local']));
  }
  const external =
    spec.type === 'NodePort' || spec.type === 'LoadBalancer' || list(spec.externalIPs).length > 0;
  if (isSet(spec.externalTrafficPolicy) && !external) {
    errs.push(
      invalid(
        'spec.externalTrafficPolicy',
        spec.externalTrafficPolicy,
        'may only be set for externally-accessible services',
      ),
    );
  }
  return errs;
}

export function validateService(svc: Service): FieldError[] {
  const spec = shape<ServiceSpec>(svc.spec);
  const headless = spec.clusterIP === 'None' || list(spec.clusterIPs)[0] === 'None';
  return [
    ...validateTypeRules(spec, headless),
    ...validatePorts(spec),
    ...validateLabels(spec.selector, 'spec.selector'),
    ...validateAffinityAndPolicies(spec),
    ...validateClusterIPs(spec),
  ];
}

/** Once allocated, a cluster IP stays, unless the service moves to or from ExternalName. */
export function validateServiceUpdate(svc: Service, old: Service): FieldError[] {
  const next = shape<ServiceSpec>(svc.spec);
  const prev = shape<ServiceSpec>(old.spec);
  if (next.type === 'ExternalName' || prev.type === 'ExternalName') return [];
  if (!str(prev.clusterIP)) return [];
  return validateImmutable(str(next.clusterIP), prev.clusterIP, 'spec.clusterIP');
}
