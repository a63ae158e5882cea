/**
 * Patch metadata of the core/v1 kinds other than Pod.
 */
import { atomicMap, atomicStruct, keyed, mergedSet, typed } from './builders.ts';
import type { TypeTable } from './schema.ts';

const metadataOnly = { fields: { metadata: typed('ObjectMeta') } };

export const CORE_V1: TypeTable = {
  Node: {
    fields: { metadata: typed('ObjectMeta'), spec: typed('NodeSpec'), status: typed('NodeStatus') },
  },
  NodeSpec: { fields: { podCIDRs: mergedSet } },
  NodeStatus: {
    fields: { conditions: keyed(undefined, 'type'), addresses: keyed(undefined, 'type') },
  },
  Namespace: { fields: { metadata: typed('ObjectMeta'), status: typed('NamespaceStatus') } },
  NamespaceStatus: { fields: { conditions: keyed(undefined, 'type') } },
  Service: {
    fields: {
      metadata: typed('ObjectMeta'),
      spec: typed('ServiceSpec'),
      status: typed('ServiceStatus'),
    },
  },
  ServiceSpec: {
    fields: {
      ports: keyed('ServicePort', 'port', { listMapKeys: ['port', 'protocol'] }),
      selector: atomicMap,
    },
  },
  ServicePort: { defaults: { protocol: 'TCP' } },
  ServiceStatus: { fields: { conditions: keyed('Condition', 'type') } },
  Endpoints: metadataOnly,
  ConfigMap: metadataOnly,
  Secret: metadataOnly,
  Event: {
    fields: {
      metadata: typed('ObjectMeta'),
      involvedObject: typed('ObjectReference'),
      related: typed('ObjectReference'),
    },
  },
  ObjectReference: atomicStruct,
  ServiceAccount: {
    fields: { metadata: typed('ObjectMeta'), secrets: keyed('ObjectReference', 'name') },
  },
};
