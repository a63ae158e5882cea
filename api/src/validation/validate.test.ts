import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyDefaults } from '../defaults/apply-defaults.ts';
import type { KubeObject } from '../meta.ts';
import { findKind } from '../resources.ts';
import { formatFieldError, invalidObjectMessage } from './field-error.ts';
import { InvalidError } from './invalid-error.ts';
import { assertValid, validate } from './validate.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Defaults then validates, as the apiserver does, and returns the printed errors. */
function check(apiVersion: string, kind: string, obj: Obj, old?: Obj): string[] {
  const info = findKind(apiVersion, kind);
  assert.ok(info, kind);
  const next = structuredClone({ apiVersion, kind, ...obj }) as KubeObject;
  applyDefaults(info, next);
  let prev: KubeObject | undefined;
  if (old) {
    prev = structuredClone({ apiVersion, kind, ...old }) as KubeObject;
    applyDefaults(info, prev);
  }
  return validate(info, next, prev).map(formatFieldError);
}

const meta = { name: 'web', namespace: 'default' };
const container = { name: 'app', image: 'registry.local/app:1.0' };
const podSpec = { containers: [container] };
const template = { metadata: { labels: { app: 'web' } }, spec: podSpec };
const workload = { selector: { matchLabels: { app: 'web' } }, template };

function pod(spec: Obj = {}): Obj {
  return { metadata: meta, spec: { ...podSpec, ...spec } };
}

function withContainer(extra: Obj): Obj {
  return pod({ containers: [{ ...container, ...extra }] });
}

interface Case {
  name: string;
  kind: [string, string];
  obj: Obj;
  old?: Obj;
  errors: string[];
}

const cases: Case[] = [
  {
    name: 'selector expressions are checked before they are matched',
    kind: ['apps/v1', 'Deployment'],
    obj: {
      metadata: meta,
      spec: {
        ...workload,
        selector: {
          matchExpressions: [
            { key: 'app', operator: 'Like' },
            { key: 'tier', operator: 'In' },
          ],
        },
      },
    },
    errors: [
      'spec.selector.matchExpressions[0].operator: Invalid value: "Like": not a valid selector operator',
      'spec.selector.matchExpressions[1].values: Required value: ' +
        "must be specified when `operator` is 'In' or 'NotIn'",
    ],
  },
  { name: 'a minimal pod is valid', kind: ['v1', 'Pod'], obj: pod(), errors: [] },
  {
    name: 'a pod needs a name and a namespace',
    kind: ['v1', 'Pod'],
    obj: { metadata: {}, spec: podSpec },
    errors: [
      'metadata.name: Required value: name or generateName is required',
      'metadata.namespace: Required value',
    ],
  },
  {
    name: 'a pod needs containers',
    kind: ['v1', 'Pod'],
    obj: pod({ containers: [] }),
    errors: ['spec.containers: Required value'],
  },
  {
    name: 'container names are unique and images required',
    kind: ['v1', 'Pod'],
    obj: pod({ containers: [container, { name: 'app' }] }),
    errors: [
      'spec.containers[1].image: Required value',
      'spec.containers[1].name: Duplicate value: "app"',
    ],
  },
  {
    name: 'ports must be in range',
    kind: ['v1', 'Pod'],
    obj: withContainer({
      ports: [{ containerPort: 70000 }, { containerPort: 80, hostPort: -1, protocol: 'HTTP' }],
    }),
    errors: [
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between ' +
        '1 and 65535, inclusive',
      'spec.containers[0].ports[1].hostPort: Invalid value: -1: must be between 1 and ' +
        '65535, inclusive',
      'spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported ' +
        'values: "SCTP", "TCP", "UDP"',
    ],
  },
  {
    name: 'restartPolicy is one of three',
    kind: ['v1', 'Pod'],
    obj: pod({ restartPolicy: 'Sometimes' }),
    errors: [
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", ' +
        '"OnFailure", "Never"',
    ],
  },
  {
    name: 'requests may not exceed limits',
    kind: ['v1', 'Pod'],
    obj: withContainer({
      resources: { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    }),
    errors: [
      'spec.containers[0].resources.requests: Invalid value: "2": must be less than or ' +
        'equal to cpu limit of 1',
    ],
  },
  {
    name: 'quantities must parse and be non-negative',
    kind: ['v1', 'Pod'],
    obj: withContainer({ resources: { requests: { cpu: 'lots', memory: '-1Mi' } } }),
    errors: [
      'spec.containers[0].resources.requests[cpu]: Invalid value: "lots": quantities ' +
        "must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      'spec.containers[0].resources.requests[memory]: Invalid value: "-1Mi": must be ' +
        'greater than or equal to 0',
    ],
  },
  {
    name: 'volume names are unique and mounts refer to volumes',
    kind: ['v1', 'Pod'],
    obj: pod({
      volumes: [
        { name: 'data', emptyDir: {} },
        { name: 'data', emptyDir: {}, hostPath: { path: '/x' } },
      ],
      containers: [{ ...container, volumeMounts: [{ name: 'cache', mountPath: '/cache' }] }],
    }),
    errors: [
      'spec.volumes[1].name: Duplicate value: "data"',
      'spec.volumes[1].hostPath: Forbidden: may not specify more than 1 volume type',
      'spec.containers[0].volumeMounts[0].name: Not found: "cache"',
    ],
  },
  {
    name: 'probes need exactly one handler and liveness succeeds once',
    kind: ['v1', 'Pod'],
    obj: withContainer({
      livenessProbe: { httpGet: { port: 8080 }, successThreshold: 2 },
      readinessProbe: {
        exec: { command: ['true'] },
        tcpSocket: { port: 'http' },
        periodSeconds: -1,
      },
      startupProbe: {},
    }),
    errors: [
      'spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than ' +
        '1 handler type',
      'spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be ' +
        'greater than or equal to 0',
      'spec.containers[0].startupProbe: Required value: must specify a handler type',
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    ],
  },
  {
    name: 'tolerations use known operators and effects',
    kind: ['v1', 'Pod'],
    obj: pod({
      tolerations: [
        { key: 'a', operator: 'Like', effect: 'NoSchedule' },
        { key: 'b', operator: 'Exists', value: 'x' },
        { key: 'c', effect: 'Evict' },
        { key: 'd', effect: 'NoSchedule', tolerationSeconds: 5 },
      ],
    }),
    errors: [
      'spec.tolerations[0].operator: Unsupported value: "Like": supported values: ' +
        '"Equal", "Exists"',
      'spec.tolerations[1].operator: Invalid value: ' +
        '{"key":"b","operator":"Exists","value":"x"}: value must be empty when `operator` ' +
        "is 'Exists'",
      'spec.tolerations[2].effect: Unsupported value: "Evict": supported values: ' +
        '"NoSchedule", "PreferNoSchedule", "NoExecute"',
      'spec.tolerations[3].effect: Invalid value: "NoSchedule": effect must be ' +
        "'NoExecute' when `tolerationSeconds` is set",
    ],
  },
  {
    name: 'nodeSelector values are label values',
    kind: ['v1', 'Pod'],
    obj: pod({ nodeSelector: { 'wisp.dev/site': 'store 42' } }),
    errors: [
      'spec.nodeSelector: Invalid value: "store 42": a valid label must be an empty ' +
        "string or consist of alphanumeric characters, '-', '_' or '.', and must start and " +
        "end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', " +
        "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ],
  },
  {
    name: 'a pod update may change images',
    kind: ['v1', 'Pod'],
    obj: withContainer({ image: 'registry.local/app:2.0' }),
    old: pod(),
    errors: [],
  },
  {
    name: 'a pod update may not change other spec fields',
    kind: ['v1', 'Pod'],
    obj: pod({ nodeSelector: { a: 'b' } }),
    old: pod(),
    errors: [
      'spec: Forbidden: pod updates may not change fields other than ' +
        '`spec.containers[*].image`,`spec.initContainers[*].image`,' +
        '`spec.activeDeadlineSeconds`,`spec.tolerations` ' +
        '(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` ' +
        '(allow it to be set to 1 if it was previously negative)',
    ],
  },
  {
    name: 'a pod update may add tolerations and shorten the deadline',
    kind: ['v1', 'Pod'],
    obj: pod({
      activeDeadlineSeconds: 10,
      tolerations: [
        { key: 'a', operator: 'Exists' },
        { key: 'b', operator: 'Exists' },
      ],
    }),
    old: pod({ activeDeadlineSeconds: 20, tolerations: [{ key: 'a', operator: 'Exists' }] }),
    errors: [],
  },
  {
    name: 'a pod update may not lengthen the deadline or drop tolerations',
    kind: ['v1', 'Pod'],
    obj: pod({ activeDeadlineSeconds: 30 }),
    old: pod({ activeDeadlineSeconds: 20, tolerations: [{ key: 'a', operator: 'Exists' }] }),
    errors: [
      'spec.activeDeadlineSeconds: Invalid value: 30: must be less than or equal to previous value',
      'spec.tolerations: Forbidden: existing toleration can not be modified except its ' +
        'tolerationSeconds',
    ],
  },
  {
    name: 'names are immutable',
    kind: ['v1', 'ConfigMap'],
    obj: { metadata: { ...meta, name: 'other' } },
    old: { metadata: meta },
    errors: ['metadata.name: Invalid value: "other": field is immutable'],
  },
  {
    name: 'labels and annotations are checked',
    kind: ['v1', 'ConfigMap'],
    obj: {
      metadata: { ...meta, labels: { 'a/b/c': 'x' }, annotations: { big: 'x'.repeat(256 * 1024) } },
    },
    errors: [
      'metadata.labels: Invalid value: "a/b/c": a qualified name must consist of ' +
        "alphanumeric characters, '-', '_' or '.', and must start and end with an " +
        "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used " +
        "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional " +
        "DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      'metadata.annotations: Too long: must have at most 262144 bytes',
    ],
  },
  {
    name: 'cluster-scoped kinds refuse a namespace',
    kind: ['v1', 'Node'],
    obj: { metadata: { name: 'n1', namespace: 'default' } },
    errors: ['metadata.namespace: Forbidden: not allowed on this type'],
  },
  {
    name: 'a deployment is valid with only a selector and template',
    kind: ['apps/v1', 'Deployment'],
    obj: { metadata: meta, spec: workload },
    errors: [],
  },
  {
    name: 'a deployment selector must select its template',
    kind: ['apps/v1', 'Deployment'],
    obj: {
      metadata: meta,
      spec: { ...workload, replicas: -1, selector: { matchLabels: { app: 'api' } } },
    },
    errors: [
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: ' +
        '`selector` does not match template `labels`',
    ],
  },
  {
    name: 'a deployment needs a selector and a non-zero rollout',
    kind: ['apps/v1', 'Deployment'],
    obj: {
      metadata: meta,
      spec: {
        template,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } },
      },
    },
    errors: [
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 ' +
        'when `maxSurge` is 0',
      'spec.selector: Required value',
    ],
  },
  {
    name: 'a recreate deployment has no rollingUpdate and an unknown type is refused',
    kind: ['apps/v1', 'Deployment'],
    obj: { metadata: meta, spec: { ...workload, strategy: { type: 'Blue' } } },
    errors: [
      'spec.strategy.type: Unsupported value: "Blue": supported values: "Recreate", ' +
        '"RollingUpdate"',
    ],
  },
  {
    name: 'workload pods restart forever',
    kind: ['apps/v1', 'ReplicaSet'],
    obj: {
      metadata: meta,
      spec: {
        ...workload,
        template: { ...template, spec: { ...podSpec, restartPolicy: 'Never' } },
      },
    },
    errors: [
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ],
  },
  {
    name: 'a deployment selector is immutable',
    kind: ['apps/v1', 'Deployment'],
    obj: {
      metadata: meta,
      spec: {
        selector: { matchLabels: { app: 'web', v: '2' } },
        template: { ...template, metadata: { labels: { app: 'web', v: '2' } } },
      },
    },
    old: { metadata: meta, spec: workload },
    errors: [
      'spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable',
    ],
  },
  {
    name: 'a daemonset surges or drops, not both',
    kind: ['apps/v1', 'DaemonSet'],
    obj: {
      metadata: meta,
      spec: {
        ...workload,
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: 1, maxUnavailable: 1 },
        },
      },
    },
    errors: [
      'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when ' +
        'maxUnavailable is non-zero',
    ],
  },
  {
    name: 'a statefulset update may only touch a few spec fields',
    kind: ['apps/v1', 'StatefulSet'],
    obj: { metadata: meta, spec: { ...workload, serviceName: 'b', replicas: 3 } },
    old: { metadata: meta, spec: { ...workload, serviceName: 'a' } },
    errors: [
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', " +
        "'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', " +
        "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ],
  },
  {
    name: 'job pods may not restart Always and counts are non-negative',
    kind: ['batch/v1', 'Job'],
    obj: { metadata: meta, spec: { template, parallelism: -1 } },
    errors: [
      'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
      'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: ' +
        '"OnFailure", "Never"',
    ],
  },
  {
    name: 'a job template is immutable',
    kind: ['batch/v1', 'Job'],
    obj: {
      metadata: meta,
      spec: { template: { ...template, spec: { ...podSpec, restartPolicy: 'OnFailure' } } },
    },
    old: {
      metadata: meta,
      spec: { template: { ...template, spec: { ...podSpec, restartPolicy: 'Never' } } },
    },
    errors: [
      'spec.template: Invalid value: {"metadata":{"labels":{"app":"web"}},"spec":{...}}: ' +
        'field is immutable',
    ],
  },
  {
    name: 'a suspended job that never started may move its pods',
    kind: ['batch/v1', 'Job'],
    obj: {
      metadata: meta,
      spec: {
        suspend: true,
        template: {
          ...template,
          spec: { ...podSpec, restartPolicy: 'Never', nodeSelector: { a: 'b' } },
        },
      },
    },
    old: {
      metadata: meta,
      spec: {
        suspend: true,
        template: { ...template, spec: { ...podSpec, restartPolicy: 'Never' } },
      },
    },
    errors: [],
  },
  {
    name: 'cron schedules must parse and concurrency policies be known',
    kind: ['batch/v1', 'CronJob'],
    obj: {
      metadata: meta,
      spec: {
        schedule: '*/5 * * *',
        concurrencyPolicy: 'Sometimes',
        jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: 'Never' } } } },
      },
    },
    errors: [
      'spec.schedule: Invalid value: "*/5 * * *": expected exactly 5 fields, found 4: [*/5 * * *]',
      'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: ' +
        '"Allow", "Forbid", "Replace"',
    ],
  },
  {
    name: 'cron jobs need a schedule and refuse TZ in it',
    kind: ['batch/v1', 'CronJob'],
    obj: {
      metadata: meta,
      spec: {
        schedule: 'TZ=UTC 0 * * * *',
        jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: 'Never' } } } },
      },
    },
    errors: [
      'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in ' +
        'schedule, use timeZone field instead',
    ],
  },
  {
    name: 'service ports are named when there are several',
    kind: ['v1', 'Service'],
    obj: {
      metadata: meta,
      spec: {
        selector: { app: 'web' },
        ports: [{ port: 80 }, { port: 443, name: 'https' }, { port: 0, name: 'x' }],
      },
    },
    errors: [
      'spec.ports[0].name: Required value',
      'spec.ports[2].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[2].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ],
  },
  {
    name: 'service types and cluster IPs are checked',
    kind: ['v1', 'Service'],
    obj: {
      metadata: { ...meta, name: 'Web' },
      spec: { type: 'Mesh', clusterIP: '10.43.0.300', ports: [{ port: 80 }] },
    },
    errors: [
      'metadata.name: Invalid value: "Web": a DNS-1035 label must consist of lower ' +
        "case alphanumeric characters or '-', start with an alphabetic character, and end " +
        "with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for " +
        "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      'spec.type: Unsupported value: "Mesh": supported values: "ClusterIP", ' +
        '"ExternalName", "LoadBalancer", "NodePort"',
      'spec.clusterIP: Invalid value: "10.43.0.300": must be a valid IP address, (e.g. ' +
        '10.9.8.7 or 2001:db8::ffff)',
    ],
  },
  {
    name: 'a service cluster IP is immutable once set',
    kind: ['v1', 'Service'],
    obj: { metadata: meta, spec: { clusterIP: '10.43.0.9', ports: [{ port: 80 }] } },
    old: { metadata: meta, spec: { clusterIP: '10.43.0.8', ports: [{ port: 80 }] } },
    errors: ['spec.clusterIP: Invalid value: "10.43.0.9": field is immutable'],
  },
  {
    name: 'config keys are file names',
    kind: ['v1', 'ConfigMap'],
    obj: { metadata: meta, data: { 'a b': '1', '..x': '2' } },
    errors: [
      'data[a b]: Invalid value: "a b": a valid config key must consist of ' +
        "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or " +
        "'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      'data[..x]: Invalid value: "..x": must not start with \'..\'',
    ],
  },
  {
    name: 'config data is capped at 1 MiB',
    kind: ['v1', 'ConfigMap'],
    obj: { metadata: meta, data: { a: 'x'.repeat(1024 * 1024), b: 'y' } },
    errors: [': Too long: must have at most 1048576 bytes'],
  },
  {
    name: 'secret data is base64 and TLS secrets carry a pair',
    kind: ['v1', 'Secret'],
    obj: { metadata: meta, type: 'kubernetes.io/tls', data: { 'tls.crt': 'not base64!' } },
    errors: [
      'data[tls.crt]: Invalid value: "<secret contents redacted>": illegal base64 data',
      'data[tls.key]: Required value',
    ],
  },
  {
    name: 'immutable secrets keep their data',
    kind: ['v1', 'Secret'],
    obj: { metadata: meta, immutable: true, data: { a: 'Yg==' } },
    old: { metadata: meta, immutable: true, data: { a: 'YQ==' } },
    errors: ['data: Forbidden: field is immutable when `immutable` is set'],
  },
  {
    name: 'namespaces have DNS-label names',
    kind: ['v1', 'Namespace'],
    obj: { metadata: { name: 'a.b' } },
    errors: ['metadata.name: Invalid value: "a.b": must not contain dots'],
  },
  {
    name: 'node taints are unique by key and effect',
    kind: ['v1', 'Node'],
    obj: {
      metadata: { name: 'n1' },
      spec: {
        podCIDR: '10.42.1.0/33',
        taints: [
          { key: 'a', effect: 'NoSchedule' },
          { key: 'a', effect: 'NoSchedule' },
          { key: 'b' },
        ],
      },
    },
    errors: [
      'spec.taints[1]: Duplicate value: {"key":"a","effect":"NoSchedule"}: taints must ' +
        'be unique by key and effect pair',
      'spec.taints[2].effect: Required value',
      'spec.podCIDR: Invalid value: "10.42.1.0/33": must be a valid CIDR value, (e.g. ' +
        '10.9.8.0/24 or 2001:db8::/64)',
    ],
  },
  {
    name: 'RBAC rules name verbs and resources',
    kind: ['rbac.authorization.k8s.io/v1', 'Role'],
    obj: {
      metadata: meta,
      rules: [{ verbs: ['get'] }, { verbs: [], nonResourceURLs: ['/healthz'] }],
    },
    errors: [
      'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
      'rules[0].resources: Required value: resource rules must supply at least one resource',
      'rules[1].verbs: Required value: verbs must contain at least one value',
      'rules[1].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules ' +
        'cannot apply to non-resource URLs',
    ],
  },
  {
    name: 'cluster role bindings bind cluster roles to namespaced service accounts',
    kind: ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
    obj: {
      metadata: { name: 'b' },
      roleRef: { kind: 'Role', name: 'r' },
      subjects: [
        { kind: 'ServiceAccount', name: 'sa' },
        { kind: 'Robot', name: 'r2d2' },
      ],
    },
    errors: [
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      'subjects[0].namespace: Required value',
      'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", ' +
        '"User", "Group"',
    ],
  },
  {
    name: 'a binding roleRef cannot change',
    kind: ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
    obj: { metadata: meta, roleRef: { kind: 'Role', name: 'b' } },
    old: { metadata: meta, roleRef: { kind: 'Role', name: 'a' } },
    errors: [
      'roleRef: Invalid value: ' +
        '{"kind":"Role","name":"b","apiGroup":"rbac.authorization.k8s.io"}: cannot change ' +
        'roleRef',
    ],
  },
  {
    name: 'leases last a positive time',
    kind: ['coordination.k8s.io/v1', 'Lease'],
    obj: { metadata: meta, spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } },
    errors: [
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
      'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    ],
  },
  {
    name: 'a PDB sets minAvailable or maxUnavailable, not both',
    kind: ['policy/v1', 'PodDisruptionBudget'],
    obj: {
      metadata: meta,
      spec: {
        minAvailable: '50%',
        maxUnavailable: '101%',
        selector: { matchLabels: { app: 'web' } },
      },
    },
    errors: [
      'spec: Invalid value: ' +
        '{"minAvailable":"50%","maxUnavailable":"101%",' +
        '"selector":{"matchLabels":{"app":"web"}}}: ' +
        'minAvailable and maxUnavailable cannot be both set',
      'spec.maxUnavailable: Invalid value: 101%: must not be greater than 100%',
    ],
  },
  {
    name: 'a runtime class handler is a DNS label and immutable',
    kind: ['node.k8s.io/v1', 'RuntimeClass'],
    obj: { metadata: { name: 'wasm' }, handler: 'wasm2' },
    old: { metadata: { name: 'wasm' }, handler: 'wasm' },
    errors: ['handler: Invalid value: "wasm2": field is immutable'],
  },
  {
    name: 'events match the namespace of what they describe',
    kind: ['v1', 'Event'],
    obj: {
      metadata: meta,
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' },
      type: 'Normal',
    },
    errors: ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'],
  },
  {
    name: 'endpoints carry IP addresses',
    kind: ['v1', 'Endpoints'],
    obj: { metadata: meta, subsets: [{ addresses: [{ ip: 'pod-a' }], ports: [{ port: 80 }] }] },
    errors: [
      'subsets[0].addresses[0].ip: Invalid value: "pod-a": must be a valid IP address, ' +
        '(e.g. 10.9.8.7 or 2001:db8::ffff)',
    ],
  },
];

describe('validate', () => {
  for (const c of cases) {
    it(c.name, () => {
      const got = check(c.kind[0], c.kind[1], c.obj, c.old);
      // `{...}` in an expected message stands for a long printed value.
      const shown = got.map((g, i) => {
        const want = c.errors[i] ?? '';
        const [head, tail] = want.split('{...}');
        return tail !== undefined && g.startsWith(head) && g.endsWith(tail) ? want : g;
      });
      assert.deepEqual(shown, c.errors);
    });
  }
});

describe('virtual kinds', () => {
  it('validates nothing for kinds that are never stored', () => {
    const info = findKind('authorization.k8s.io/v1', 'SelfSubjectAccessReview')!;
    assert.deepEqual(validate(info, { metadata: {} }), []);
  });
});

describe('assertValid', () => {
  it('throws one InvalidError worded as the Invalid status, with a cause per field', () => {
    const info = findKind('apps/v1', 'Deployment')!;
    const obj = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta,
      spec: { replicas: -1 },
    };
    assert.throws(
      () => assertValid(info, obj as KubeObject),
      (e: unknown) => {
        assert.ok(e instanceof InvalidError);
        assert.equal(e.code, 'ERR_INVALID');
        assert.match(
          e.message,
          /^Deployment\.apps "web" is invalid: \[spec\.replicas: Invalid value: -1/,
        );
        assert.ok(
          e.causes.some((x) => x.field === 'spec.selector' && x.type === 'FieldValueRequired'),
        );
        return true;
      },
    );
  });

  it('prints a single error without brackets', () => {
    const info = findKind('v1', 'Pod')!;
    const msg = invalidObjectMessage(info, 'p', [
      { type: 'FieldValueRequired', field: 'spec.containers', message: 'Required value' },
    ]);
    assert.equal(msg, 'Pod "p" is invalid: spec.containers: Required value');
  });
});
