/**
 * The manifests the mesh end-to-end test applies with kubectl: hello-http behind a NodePort
 * Service, http-client pods calling it, and a NetworkPolicy shutting a namespace out.
 */
import { stringify } from 'yaml';

export interface HelloOptions {
  readonly name: string;
  readonly image: string;
  readonly replicas: number;
  /** Pins every replica to one node (the relay case). */
  readonly nodeName?: string;
}

/** A hello-http Deployment (answers `hello from <pod> #n`) and its NodePort Service. */
export function helloManifests(o: HelloOptions): string {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: o.name, namespace: 'default' },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { app: o.name } },
      template: {
        metadata: { labels: { app: o.name }, annotations: { 'wisp.dev/pool-size': '1' } },
        spec: {
          runtimeClassName: 'wasm',
          ...(o.nodeName ? { nodeName: o.nodeName } : {}),
          // One replica per agent because the scheduler must, not because scoring happened to.
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'DoNotSchedule',
              labelSelector: { matchLabels: { app: o.name } },
              matchLabelKeys: ['pod-template-hash'],
            },
          ],
          containers: [
            {
              name: 'hello',
              image: o.image,
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 1 },
              resources: { limits: { memory: '128Mi' } },
            },
          ],
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: o.name, namespace: 'default' },
    spec: {
      type: 'NodePort',
      selector: { app: o.name },
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    },
  };
  return [deployment, service].map((o) => stringify(o)).join('---\n');
}

/** The namespace the clients run in, labelled so a NetworkPolicy can name it. */
export function clientNamespace(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { team: name } },
  });
}

/** An http-client pod on `nodeName`: each request it serves GETs `target` and reports it. */
export function clientPod(
  namespace: string,
  name: string,
  nodeName: string,
  image: string,
  target: string,
): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'mesh-client' } },
    spec: {
      runtimeClassName: 'wasm',
      restartPolicy: 'Never',
      nodeName,
      containers: [
        {
          name: 'client',
          image,
          ports: [{ name: 'http', containerPort: 8080 }],
          env: [{ name: 'TARGET', value: target }],
          resources: { limits: { memory: '128Mi' } },
        },
      ],
    },
  });
}

/** Admits callers to `app` only from namespaces without a `team` label. */
export function denyTeamsPolicy(app: string): string {
  return JSON.stringify({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${app}-no-teams`, namespace: 'default' },
    spec: {
      podSelector: { matchLabels: { app } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] },
            },
          ],
        },
      ],
    },
  });
}
