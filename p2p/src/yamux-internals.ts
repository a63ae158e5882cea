/**
 * Values inside the pinned @chainsafe/libp2p-yamux that connection-stack.ts and
 * optimistic-select.ts patch around, in one place: its stream states (its `StreamState` enum)
 * and the frame type and flags of the Yamux spec.
 */

export const yamuxState = {
  init: 0,
  synReceived: 2,
  /** Paused: Yamux notes the time and sends no window update. */
  paused: 5,
} as const;

export const yamuxFrameType = { data: 0 } as const;

export const yamuxFlag = { syn: 1, fin: 4, rst: 8 } as const;
