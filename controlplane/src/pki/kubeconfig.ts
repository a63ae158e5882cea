/**
 * kubeconfig files for the real kubectl: the cluster's server URL and CA, and a user holding
 * either a client certificate from the cluster CA or a bearer token.
 *
 *   const text = kubeconfigYaml({ clusterName: 'wisp', server: 'https://127.0.0.1:6443', caPem,
 *     user: { name: 'admin', certPem, keyPem } });
 */
import { stringify } from 'yaml';
import { CertificateRequestError } from './errors.ts';

export interface KubeconfigUser {
  readonly name: string;
  readonly certPem?: string;
  readonly keyPem?: string;
  readonly token?: string;
}

export interface KubeconfigOptions {
  readonly clusterName: string;
  readonly server: string;
  readonly caPem: string;
  readonly user: KubeconfigUser;
  readonly namespace?: string;
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

export function kubeconfigYaml(options: KubeconfigOptions): string {
  checkOptions(options);
  const { clusterName, user } = options;
  const contextName = `${user.name}@${clusterName}`;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: clusterName,
        cluster: { server: options.server, 'certificate-authority-data': base64(options.caPem) },
      },
    ],
    users: [{ name: user.name, user: userEntry(user) }],
    contexts: [
      {
        name: contextName,
        context: {
          cluster: clusterName,
          user: user.name,
          ...(options.namespace ? { namespace: options.namespace } : {}),
        },
      },
    ],
    'current-context': contextName,
    preferences: {},
  };
  // kubectl reads YAML 1.1, where a bare `yes` or `on` is a boolean: quote as 1.1 requires.
  return stringify(config, { lineWidth: 0, version: '1.1' });
}

function userEntry(user: KubeconfigUser): Record<string, string> {
  const entry: Record<string, string> = {};
  if (user.certPem) entry['client-certificate-data'] = base64(user.certPem);
  if (user.keyPem) entry['client-key-data'] = base64(user.keyPem);
  if (user.token) entry.token = user.token;
  return entry;
}

function checkOptions(options: KubeconfigOptions): void {
  const { user } = options;
  if (!options.clusterName) throw new CertificateRequestError('clusterName: Required value');
  if (!options.server.startsWith('https://')) {
    // kubectl sends client certificates and bearer tokens only over TLS.
    throw new CertificateRequestError(`server: Invalid value: "${options.server}": must be https`);
  }
  if (!user.name) throw new CertificateRequestError('user.name: Required value');
  if (Boolean(user.certPem) !== Boolean(user.keyPem)) {
    throw new CertificateRequestError(
      'user.keyPem: Required value: certPem and keyPem go together',
    );
  }
  if (!user.certPem && !user.token) {
    throw new CertificateRequestError('user: Required value: a client certificate or a token');
  }
}
