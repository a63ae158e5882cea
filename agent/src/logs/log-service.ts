/**
 * Serves `kubectl logs` on the agent: answers `/wisp/v1/logs` requests, from the control plane's
 * peer only, with a slice of one container's log file and where to go on from, and says when the
 * container has ended so a follower stops. Refuses every other peer: site peers relay signed
 * specs, but a pod's output is for those the apiserver authorised.
 *
 *   const logs = createLogService({ serverPeerId }, { gossip, locate });
 *   await logs.start();
 */
import {
  decodeLogRequest,
  encodeLogAnswer,
  type LogAnswer,
  type LogRequest,
} from '@wisp/api/wire/log-messages.ts';
import { logsProtocol } from '@wisp/api/wire/protocols.ts';
import {
  containerLogReadDefaults,
  readContainerLog,
  WispError,
  type Gossip,
  type Unsubscribe,
} from '@wisp/core';
import type { LogLocator } from '../pods/log-paths.ts';

export interface LogServiceInit {
  readonly serverPeerId: string;
  /** File bytes read per answer; keep the JSON answer under the gossip response limit. */
  readonly readBytesMax?: number;
}

export interface LogServiceComponents {
  readonly gossip: Pick<Gossip, 'handle'>;
  readonly locate: LogLocator;
}

export interface LogService {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One answer, as the protocol handler gives it (tests call it directly). */
  answer(request: LogRequest, from: string): Promise<LogAnswer>;
}

/** A peer other than the control plane asked for logs. */
export class LogRequestRefusedError extends WispError {
  constructor(peer: string) {
    super('ERR_FORBIDDEN', `peer ${peer}: logs are served to the control plane only`);
  }
}

export function createLogService(init: LogServiceInit, c: LogServiceComponents): LogService {
  let off: Unsubscribe | undefined;
  const readBytesMax = init.readBytesMax ?? containerLogReadDefaults.readBytesMax;

  async function answer(request: LogRequest, from: string): Promise<LogAnswer> {
    if (from !== init.serverPeerId) throw new LogRequestRefusedError(from);
    const target = await c.locate(request);
    if ('ok' in target) return target;
    // Whether it runs is asked before reading: what an ended instance wrote is all in the file.
    const slice = await readContainerLog(target.path, {
      ...pick(request),
      timestamps: request.timestamps,
      readBytesMax,
    });
    return {
      ok: true,
      ...slice,
      ended: !target.running,
      instance: target.instance,
    };
  }

  return {
    async start() {
      off = c.gossip.handle(logsProtocol, async (bytes, from) =>
        encodeLogAnswer(await answer(decodeLogRequest(bytes), from)),
      );
    },
    async stop() {
      off?.();
      off = undefined;
    },
    answer,
  };
}

function pick(r: LogRequest) {
  const keys = ['tailLines', 'sinceBytes', 'sinceFile', 'sinceTimeMs', 'limitBytes'] as const;
  return Object.fromEntries(keys.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));
}
