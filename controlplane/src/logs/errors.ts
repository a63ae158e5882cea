/**
 * How reading a pod's log through its agent fails. The apiserver turns these into `Status`
 * bodies (`apiserver/status.ts`), worded as kube-apiserver words a kubelet it cannot reach.
 */
import { WispError } from '@wisp/core';

/** HTTP 500, as upstream: `Get "wisp://n1/containerLogs/default/web/app": node n1 unreachable`. */
export class NodeUnreachableError extends WispError {
  readonly nodeName: string;
  constructor(url: string, nodeName: string, why: string, options?: { cause?: unknown }) {
    super('ERR_INTERNAL', `Get "${url}": node ${nodeName} unreachable: ${why}`, options);
    this.nodeName = nodeName;
  }
}
