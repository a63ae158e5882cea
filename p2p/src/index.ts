export * from './libp2p-host.ts';
