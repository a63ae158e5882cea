/**
 * FakeAgent: a node agent that speaks only the Kubernetes API, for controller and kubectl
 * integration tests on a FakeClock.
 *
 *   const rules = new PodRules();
 *   const init = { nodeName: 'edge-1', site: 'store-42' };
 *   const agent = createFakeAgent(init, { client, clock, rules });
 *   await agent.start();
 */
export * from './fake-agent.ts';
export * from './ip-pool.ts';
export * from './lease.ts';
export * from './node-object.ts';
export * from './pod-rules.ts';
export * from './pod-status.ts';
export * from './pod-timeline.ts';
