/**
 * What `wisp up` prints once the fleet is ready: where the dashboard is, the token to sign in
 * with, the kubeconfig, and three kubectl commands to try.
 */

export interface GuideInput {
  readonly url: string;
  readonly token: string;
  readonly kubeconfig: string;
  /** One line per example: deployed, or why not. */
  readonly examples: readonly string[];
}

export function upGuide(g: GuideInput): string {
  return [
    '',
    `Wisp is up: ${g.url}`,
    `dashboard: ${g.url.replace(/\/?$/, '/')}`,
    `login token: ${g.token}`,
    `kubeconfig: ${g.kubeconfig}`,
    ...(g.examples.length ? ['examples:', ...g.examples.map((e) => `  ${e}`)] : []),
    '',
    'Try it (Ctrl-C stops every process; state stays in the data dir):',
    `  export KUBECONFIG=${g.kubeconfig}`,
    '  kubectl get nodes -L topology.kubernetes.io/zone',
    '  kubectl get deployments,cronjobs,services',
    '  kubectl get pods -o wide -w',
    '',
  ].join('\n');
}
