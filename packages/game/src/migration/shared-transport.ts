import type { Transport } from '@beckon/core';

/** A transport several rooms use in turn: rooms that close it (leave, give up) do not, until `release`. */
export interface SharedTransport extends Transport {
  release(): Promise<void>;
}

/**
 * Wraps `transport` so that leaving the old room keeps this peer registered with its id: the succession list names
 * that id (as the old host saw it), and members that connect before this player starts hosting wait in the
 * transport's queue instead of failing.
 */
export function shareTransport(transport: Transport): SharedTransport {
  return {
    get localId() {
      return transport.localId;
    },
    listen: (options, onLink) => transport.listen(options, onLink),
    connect: (remoteId, options) => transport.connect(remoteId, options),
    close: async () => undefined,
    release: () => transport.close(),
  };
}
