/**
 * A pod the agent cannot start as specified (a missing ConfigMap key, a hostPath volume on an
 * agent without --allow-host-path, an exec probe): shown as the container's waiting reason
 * `CreateContainerConfigError` with this message, as the kubelet does, and retried each pass.
 */
export class PodConfigError extends Error {
  readonly code = 'ERR_POD_CONFIG' as const;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
