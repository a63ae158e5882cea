/**
 * The cluster PKI: an ECDSA P-256 CA (older data dirs keep their Ed25519 one), the apiserver's serving certificate, client certificates and
 * kubeconfigs, and the CA hash join tokens pin.
 *
 *   const ca = await loadOrCreateCa(pkiDir, { clock, random, commonName: 'wisp-ca' });
 *   const tls = await loadOrCreateServingCert(pkiDir, ca, { hosts: ['localhost', '127.0.0.1'] });
 *   const admin = await issueClientCert(ca, {
 *     user: 'admin', groups: ['system:masters'], days: 90 });
 *   const text = kubeconfigYaml({ clusterName: 'wisp', server, caPem: ca.certPem,
 *     user: { name: 'admin', ...admin } });
 */
export * from './ca.ts';
export * from './ca-hash.ts';
export * from './errors.ts';
export * from './issue.ts';
export * from './keys.ts';
export * from './kubeconfig.ts';
export * from './serving-cert.ts';
export type { CertificateProfile, ExtendedUsage, Issuer } from './sign.ts';
