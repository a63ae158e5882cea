/**
 * A ComponentLogger whose loggers print nothing and cost nothing to make, for libp2p when DEBUG
 * is unset (with it set, hostFor leaves libp2p its own). js-libp2p builds several loggers per
 * stream (the stream, multistream-select, length-prefixed reads), and @libp2p/logger's each
 * create three weald debug instances and match the name against DEBUG's patterns, printing
 * nothing all the same: +12–19% new connections/s through the mesh cross-node.
 */
import type { ComponentLogger, Logger } from '@libp2p/interface';

const noop = (): void => {};

const silent: Logger = Object.assign(noop.bind(null), {
  error: noop,
  trace: noop,
  enabled: false,
  newScope: (): Logger => silent,
});

export const silentLogger: ComponentLogger = { forComponent: () => silent };
