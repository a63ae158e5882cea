/**
 * Agent bootstrap: node keys, the CA-pinned join, kept credentials, certificate rotation and the
 * peer trust check.
 *
 *   const creds = await bootstrapNode(parseJoinConfig(flags), { dataDir, clock, random });
 *   const rotator = createCertificateRotator({}, { clock, random, credentials: creds });
 *   const trust = createPeerTrust({ caPem: creds.state.caPem }, { clock });
 */
export * from './bootstrap.ts';
export * from './errors.ts';
export * from './join-config.ts';
export * from './node-keys.ts';
export * from './node-state.ts';
export * from './peer-trust.ts';
export * from './rotation.ts';
export { fetchPinnedCa, requestJoin, requestRenewal } from './join-client.ts';
