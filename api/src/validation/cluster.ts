/**
 * Namespaces and Nodes.
 */
import type { Namespace, Node, NodeSpec } from 'kubernetes-types/core/v1.js';
import { invalidCIDRMessage, isCIDR } from '../names/ip.ts';
import { validateQualifiedName } from './common.ts';
import { forbidden, invalid, type FieldError } from './field-error.ts';
import { deepEqual, list, record, shape, str } from './helpers.ts';
import { index, key } from './path.ts';
import { validateQuantity } from './resources.ts';
import { validateTaints } from './scheduling.ts';

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

export function validateNamespace(ns: Namespace): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of list(ns.spec?.finalizers)) {
    const name = str(f);
    errs.push(...validateQualifiedName(name, 'spec.finalizers'));
    if (!name.includes('/') && !standardFinalizers.has(name)) {
      errs.push(
        invalid(
          'spec.finalizers',
          name,
          'name is neither a standard finalizer name nor is it fully qualified',
        ),
      );
    }
  }
  return errs;
}

export function validateNode(node: Node): FieldError[] {
  const spec = shape<NodeSpec>(node.spec);
  const errs = validateTaints(spec.taints, 'spec.taints');
  if (str(spec.podCIDR) && !isCIDR(spec.podCIDR as string)) {
    errs.push(invalid('spec.podCIDR', spec.podCIDR, invalidCIDRMessage));
  }
  list(spec.podCIDRs).forEach((c, i) => {
    if (!isCIDR(str(c))) errs.push(invalid(index('spec.podCIDRs', i), c, invalidCIDRMessage));
  });
  for (const f of ['capacity', 'allocatable'] as const) {
    for (const [name, q] of Object.entries(record(node.status?.[f]))) {
      errs.push(...validateQuantity(q, key(`status.${f}`, name), name).errs);
    }
  }
  return errs;
}

export function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const errs: FieldError[] = [];
  const prev = shape<NodeSpec>(old.spec);
  const next = shape<NodeSpec>(node.spec);
  const cidrMessage = 'node updates may not change podCIDR except from "" to valid';
  if (list(prev.podCIDRs).length > 0 && !deepEqual(list(prev.podCIDRs), list(next.podCIDRs))) {
    errs.push(forbidden('spec.podCIDRs', cidrMessage));
  } else if (str(prev.podCIDR) && prev.podCIDR !== next.podCIDR) {
    errs.push(forbidden('spec.podCIDR', cidrMessage));
  }
  if (str(prev.providerID) && prev.providerID !== next.providerID) {
    errs.push(
      forbidden(
        'spec.providerID',
        'node updates may not change providerID except from "" to valid',
      ),
    );
  }
  return errs;
}
