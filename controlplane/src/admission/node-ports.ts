/**
 * NodePort assignment for one Service write: every port of a NodePort or LoadBalancer Service
 * gets a port from the node-port range, a requested one if free, and an update keeps the ports
 * it had (matched by port name) when the new object leaves them out.
 */
import { forbidden, invalid } from '@wisp/api';
import { FieldErrors, type AllocationStep } from './cluster-ip.ts';
import { RangeFullError } from './errors.ts';
import { needsNodePorts, type ServiceSpec } from './service-shape.ts';
import type { ValueAllocator } from './value-allocator.ts';

export interface PortRange {
  readonly base: number;
  readonly size: number;
  readonly text: string;
}

export function parsePortRange(text: string): PortRange {
  const m = /^(\d+)-(\d+)$/.exec(text);
  const base = m ? Number(m[1]) : NaN;
  const last = m ? Number(m[2]) : NaN;
  if (!(base >= 1 && last <= 65535 && base <= last)) {
    throw new Error(`node port range ${JSON.stringify(text)}: want FIRST-LAST within 1-65535`);
  }
  return { base, size: last - base + 1, text };
}

export interface NodePortAllocator {
  readonly range: PortRange;
  readonly ports: ValueAllocator;
}

export async function assignNodePorts(
  a: NodePortAllocator,
  spec: ServiceSpec,
  old: ServiceSpec | undefined,
  step: AllocationStep,
): Promise<void> {
  const ports = spec.ports ?? [];
  const auto = needsNodePorts(spec);
  const oldByName = new Map((old?.ports ?? []).map((p) => [p.name ?? '', p.nodePort ?? 0]));
  if (old && needsNodePorts(old) !== auto) {
    // A type change drops the ports the old type had, as the Service strategy does.
    for (const p of ports)
      if (p.nodePort && p.nodePort === oldByName.get(p.name ?? '')) delete p.nodePort;
  } else if (old && auto) {
    for (const p of ports) if (!p.nodePort) p.nodePort = oldByName.get(p.name ?? '') || undefined;
  }
  if (!auto && spec.type !== 'LoadBalancer') {
    const i = ports.findIndex((p) => (p.nodePort ?? 0) !== 0);
    if (i < 0) return;
    const type = spec.type ?? 'ClusterIP';
    throw new FieldErrors([
      forbidden(`spec.ports[${i}].nodePort`, `may not be used when \`type\` is '${type}'`),
    ]);
  }
  for (let i = 0; i < ports.length; i++) {
    const p = ports[i];
    if (p.nodePort) await claimRequested(a, p.nodePort, `spec.ports[${i}].nodePort`, step);
    else if (auto) {
      const picked = await a.ports.claimAny(step.owner, step.dryRun);
      if (picked === undefined) throw new RangeFullError('nodePort');
      if (!step.dryRun) step.undo.push(() => a.ports.release(picked, step.owner));
      p.nodePort = Number(picked);
    }
  }
}

async function claimRequested(
  a: NodePortAllocator,
  port: number,
  field: string,
  step: AllocationStep,
): Promise<void> {
  if (port < a.range.base || port >= a.range.base + a.range.size) {
    throw new FieldErrors([
      invalid(
        field,
        port,
        'provided port is not in the valid range. The range of valid ports is ' + a.range.text,
      ),
    ]);
  }
  const outcome = await a.ports.claim(String(port), step.owner, step.dryRun);
  if (outcome === 'taken') {
    throw new FieldErrors([invalid(field, port, 'provided port is already allocated')]);
  }
  if (outcome === 'new' && !step.dryRun) {
    step.undo.push(() => a.ports.release(String(port), step.owner));
  }
}
