export * from './libp2p-host.ts';
export * from './services.ts';
