/**
 * A pod spec, whether in a Pod or a workload's template.
 */
import type { Container, PodSpec } from 'kubernetes-types/core/v1.js';
import { isIP, invalidIPMessage } from '../names/ip.ts';
import { inclusiveRangeError } from '../names/messages.ts';
import { validateDNS1123Label, validateDNS1123Subdomain, validateLabels } from './common.ts';
import { validateContainer, validateInitContainer } from './container.ts';
import { duplicate, invalid, notSupported, required, type FieldError } from './field-error.ts';
import { isSet, list, record, shape, str } from './helpers.ts';
import { child, index } from './path.ts';
import { validateAffinity, validateTolerations } from './scheduling.ts';
import { validateTopologySpreadConstraints } from './topology-spread.ts';
import { validateVolumes } from './volumes.ts';

export const restartPolicies = ['Always', 'OnFailure', 'Never'];
const dnsPolicies = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
export const activeDeadlineSecondsMax = 2147483647;

function validateContainers(
  spec: PodSpec,
  volumes: ReadonlySet<string>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const containers = list(spec.containers);
  const regularPath = child(path, 'containers');
  if (containers.length === 0) errs.push(required(regularPath));
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const at = index(regularPath, i);
    const ctr = shape<Container>(c);
    errs.push(...validateContainer(ctr, volumes, at));
    if (str(ctr.name) && names.has(ctr.name)) errs.push(duplicate(child(at, 'name'), ctr.name));
    names.add(str(ctr.name));
  });
  const initPath = child(path, 'initContainers');
  list(spec.initContainers).forEach((c, i) => {
    const at = index(initPath, i);
    const ctr = shape<Container>(c);
    errs.push(...validateInitContainer(ctr, volumes, at));
    if (str(ctr.name) && names.has(ctr.name)) errs.push(duplicate(child(at, 'name'), ctr.name));
    names.add(str(ctr.name));
  });
  return errs;
}

/** The same host port and protocol cannot be claimed twice within one pod. */
function validateHostPorts(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const group of ['initContainers', 'containers'] as const) {
    list(spec[group]).forEach((c, i) => {
      list(record(c).ports).forEach((raw, j) => {
        const p = record(raw);
        if (!p.hostPort) return;
        const id = `${p.hostPort}/${str(p.protocol) || 'TCP'}`;
        const at = child(index(child(index(child(path, group), i), 'ports'), j), 'hostPort');
        if (seen.has(id)) errs.push(duplicate(at, id));
        seen.add(id);
      });
    });
  }
  return errs;
}

function validateEnumField(value: unknown, valid: readonly string[], path: string): FieldError[] {
  if (!isSet(value) || value === '') return [required(path)];
  return typeof value === 'string' && valid.includes(value)
    ? []
    : [notSupported(path, value, valid)];
}

function validateNames(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const subdomains = [
    'serviceAccountName',
    'nodeName',
    'runtimeClassName',
    'priorityClassName',
  ] as const;
  for (const f of subdomains) {
    if (str(spec[f])) errs.push(...validateDNS1123Subdomain(str(spec[f]), child(path, f)));
  }
  for (const f of ['hostname', 'subdomain'] as const) {
    if (str(spec[f])) errs.push(...validateDNS1123Label(str(spec[f]), child(path, f)));
  }
  return errs;
}

function validateMisc(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(
    ...validateEnumField(spec.restartPolicy, restartPolicies, child(path, 'restartPolicy')),
  );
  errs.push(...validateEnumField(spec.dnsPolicy, dnsPolicies, child(path, 'dnsPolicy')));
  if (spec.dnsPolicy === 'None' && !isSet(spec.dnsConfig)) {
    errs.push(
      required(child(path, 'dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'),
    );
  }
  const deadline = spec.activeDeadlineSeconds;
  if (
    isSet(deadline) &&
    !(typeof deadline === 'number' && deadline >= 1 && deadline <= activeDeadlineSecondsMax)
  ) {
    errs.push(
      invalid(
        child(path, 'activeDeadlineSeconds'),
        deadline,
        inclusiveRangeError(1, activeDeadlineSecondsMax),
      ),
    );
  }
  list(spec.hostAliases).forEach((a, i) => {
    const ip = str(record(a).ip);
    if (!isIP(ip))
      errs.push(invalid(child(index(child(path, 'hostAliases'), i), 'ip'), ip, invalidIPMessage));
  });
  return errs;
}

export function validatePodSpec(raw: PodSpec | undefined, path: string): FieldError[] {
  const spec = shape<PodSpec>(raw);
  const { errs, names } = validateVolumes(spec.volumes, child(path, 'volumes'));
  errs.push(
    ...validateContainers(spec, names, path),
    ...validateHostPorts(spec, path),
    ...validateMisc(spec, path),
    ...validateLabels(spec.nodeSelector, child(path, 'nodeSelector')),
    ...validateNames(spec, path),
    ...validateTolerations(spec.tolerations, child(path, 'tolerations')),
    ...validateAffinity(spec.affinity, child(path, 'affinity')),
    ...validateTopologySpreadConstraints(
      spec.topologySpreadConstraints,
      child(path, 'topologySpreadConstraints'),
    ),
  );
  return errs;
}
