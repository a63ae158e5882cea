/**
 * Helpers for the Deployment controller tests: a harness with both controllers, reads of a
 * Deployment and its ReplicaSets from the store, edits, and a driver that runs a rollout to the
 * end with every pod becoming ready as soon as it exists.
 */
import type { KubeObject } from '@wisp/api';
import { createHarness } from '../../../admission/test/harness.ts';
import type { Harness } from '../../../admission/test/harness.ts';
import { createReplicaSetController } from '../../replicaset/replicaset-controller.ts';
import {
  DEPLOYMENTS,
  markAllReady,
  ownerUid,
  REPLICA_SETS,
  settle,
} from '../../replicaset/test/workloads.ts';
import type { Controllers } from '../../replicaset/test/workloads.ts';
import { createDeploymentController } from '../deployment-controller.ts';
import { revisionOf } from '../annotations.ts';
import type { DeploymentObject, ReplicaSetObject } from '../types.ts';

export async function setup(objects: KubeObject[]) {
  const h = createHarness();
  const c: Controllers = {
    deployments: createDeploymentController({}, h),
    replicaSets: createReplicaSetController({}, h),
  };
  for (const o of objects) await h.create(o);
  await h.start();
  return { h, c };
}

export async function getDeployment(h: Harness, name = 'web'): Promise<DeploymentObject> {
  return (await h.registry.get(DEPLOYMENTS, 'default', name)) as DeploymentObject;
}

/** The Deployment's ReplicaSets, lowest revision first. */
export async function replicaSets(h: Harness, name = 'web'): Promise<ReplicaSetObject[]> {
  const d = await getDeployment(h, name);
  const all = (await h.registry.list(REPLICA_SETS, 'default')).items as ReplicaSetObject[];
  return all
    .filter((rs) => ownerUid(rs) === d.metadata.uid)
    .sort((a, b) => revisionOf(a) - revisionOf(b));
}

export async function editDeployment(
  h: Harness,
  change: (d: DeploymentObject) => void,
  name = 'web',
): Promise<void> {
  await h.registry.modify(DEPLOYMENTS, 'default', name, (cur) => {
    change(cur as DeploymentObject);
    return cur!;
  });
  await h.sync();
}

export function setImage(image: string) {
  return (d: DeploymentObject) => {
    d.spec!.template.spec!.containers[0].image = image;
  };
}

/** Runs the rollout to its end with every pod becoming ready as soon as it exists. */
export async function rollOut(h: Harness, c: Controllers): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await settle(h, c);
    if ((await markAllReady(h)) === 0) return;
  }
  throw new Error('rollout did not finish');
}

export function condition(d: DeploymentObject, type: string) {
  return d.status?.conditions?.find((x) => x.type === type);
}
