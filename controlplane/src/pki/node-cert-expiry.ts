/**
 * Records on the Node object when its certificate expires (`wisp.dev/certificate-not-after`,
 * RFC 3339), at join and at every renewal, so the dashboard can list expiries coming up without
 * reading certificates. A Node that does not exist (deleted between renewals) is left alone.
 *
 *   await recordCertificateExpiry(registry, 'edge-1', certificatePem);
 */
import { X509Certificate } from 'node:crypto';
import { findResource } from '@wisp/api';
import type { Registry } from '../registry/registry.ts';

export const certificateNotAfterAnnotation = 'wisp.dev/certificate-not-after';
const NODES = findResource('', 'nodes')!;

export async function recordCertificateExpiry(
  registry: Registry,
  nodeName: string,
  certificatePem: string,
): Promise<void> {
  const notAfter = new X509Certificate(certificatePem).validToDate.toISOString();
  const existing = await registry.get(NODES, undefined, nodeName).catch(() => undefined);
  if (!existing) return;
  if (existing.metadata.annotations?.[certificateNotAfterAnnotation] === notAfter) return;
  await registry.modify(
    NODES,
    undefined,
    nodeName,
    (node) => {
      if (!node) throw new Error(`nodes "${nodeName}": not found`);
      node.metadata.annotations = {
        ...node.metadata.annotations,
        [certificateNotAfterAnnotation]: notAfter,
      };
      return node;
    },
    { fieldManager: 'wisp-pki' },
  );
}
