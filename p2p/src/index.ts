export * from './libp2p-host.ts';
export * from './services.ts';
export * from './connection-stack.ts';
export * from './host-for.ts';
