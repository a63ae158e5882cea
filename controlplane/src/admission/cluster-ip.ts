/**
 * ClusterIP assignment for one Service write: honour a requested address if it is free and in
 * range, pick a random free one otherwise, keep `None` (headless) as it is, and refuse to change
 * an address once set, with kube-apiserver's messages.
 */
import { isIPv4, isIPv6, invalidIPMessage } from '@wisp/api';
import { invalid, type FieldError } from '@wisp/api';
import { RangeFullError } from './errors.ts';
import type { IPv4Range } from './ipv4-range.ts';
import { needsClusterIP, type ServiceSpec } from './service-shape.ts';
import type { AllocationOwner, ValueAllocator } from './value-allocator.ts';

export interface AllocationStep {
  readonly owner: AllocationOwner;
  readonly dryRun: boolean;
  /** Undo actions for values this write took, run if a later step fails. */
  readonly undo: (() => Promise<void>)[];
}

export interface ClusterIPAllocator {
  readonly range: IPv4Range;
  readonly ips: ValueAllocator;
  /** The address only `reservedFor` may have (the `kubernetes` Service's). */
  readonly reservedIP: string;
  readonly reservedFor: string;
}

export class FieldErrors extends Error {
  readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join(', '));
    this.errors = errors;
  }
}

/** The address a create asks for: `clusterIP`, else the first of `clusterIPs`, else ''. */
function requestedIP(spec: ServiceSpec): string {
  const ips = spec.clusterIPs ?? [];
  if (spec.clusterIP && ips.length > 0 && ips[0] !== spec.clusterIP) {
    throw new FieldErrors([invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`')]);
  }
  if (ips.length > 1) {
    const why = isIPv6(ips[1])
      ? 'IPv6 is not configured on this cluster'
      : 'may specify no more than one IP for each IP family';
    throw new FieldErrors([invalid('spec.clusterIPs[1]', ips, why)]);
  }
  return spec.clusterIP || ips[0] || '';
}

async function claimRequested(a: ClusterIPAllocator, ip: string, step: AllocationStep) {
  const field = 'spec.clusterIPs';
  if (ip === 'None') return;
  if (!isIPv4(ip)) {
    const why = isIPv6(ip) ? 'IPv6 is not configured on this cluster' : invalidIPMessage;
    throw new FieldErrors([invalid(field, [ip], why)]);
  }
  const fail = (why: string) =>
    new FieldErrors([invalid(field, [ip], `failed to allocate IP ${ip}: ${why}`)]);
  if (!a.range.contains(ip)) {
    throw fail(
      `the provided IP (${ip}) is not in the valid range. ` +
        `The range of valid IPs is ${a.range.cidr}`,
    );
  }
  const owner = step.owner;
  if (ip === a.reservedIP && `${owner.namespace}/${owner.name}` !== a.reservedFor) {
    throw fail('provided IP is already allocated');
  }
  const outcome = await a.ips.claim(ip, owner, step.dryRun);
  if (outcome === 'taken') throw fail('provided IP is already allocated');
  if (outcome === 'new' && !step.dryRun) step.undo.push(() => a.ips.release(ip, owner));
}

/** Fills `spec.clusterIP(s)` of a Service being created (or turned into one that needs it). */
export async function assignClusterIP(
  a: ClusterIPAllocator,
  spec: ServiceSpec,
  step: AllocationStep,
): Promise<void> {
  if (!needsClusterIP(spec)) return;
  let ip = requestedIP(spec);
  if (ip) await claimRequested(a, ip, step);
  else {
    const picked = await a.ips.claimAny(step.owner, step.dryRun);
    if (picked === undefined) throw new RangeFullError('serviceIP');
    if (!step.dryRun) step.undo.push(() => a.ips.release(picked, step.owner));
    ip = picked;
  }
  spec.clusterIP = ip;
  spec.clusterIPs = [ip];
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
}

/**
 * An update keeps the old address when the new object leaves it out (as `kubectl apply` of a
 * manifest without one does) and may not change it.
 */
export async function updateClusterIP(
  a: ClusterIPAllocator,
  spec: ServiceSpec,
  old: ServiceSpec,
  step: AllocationStep,
): Promise<void> {
  if (!needsClusterIP(spec)) {
    // Becoming ExternalName drops the address; the allocator reclaims it once unused.
    if (spec.clusterIP === old.clusterIP) delete spec.clusterIP;
    if (JSON.stringify(spec.clusterIPs) === JSON.stringify(old.clusterIPs)) delete spec.clusterIPs;
    return;
  }
  if (!needsClusterIP(old) || !old.clusterIP) return assignClusterIP(a, spec, step);
  if (!spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = old.clusterIPs;
  spec.clusterIP ||= spec.clusterIPs?.[0] || old.clusterIP;
  if (!spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
  if (spec.clusterIP !== old.clusterIP || spec.clusterIPs[0] !== old.clusterIP) {
    throw new FieldErrors([
      invalid('spec.clusterIPs[0]', spec.clusterIPs, 'may not change once set'),
    ]);
  }
  spec.ipFamilies ??= old.ipFamilies;
  spec.ipFamilyPolicy ??= old.ipFamilyPolicy;
}
