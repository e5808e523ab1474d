import { messageType, rootFromJson } from '@beckon/core';

/**
 * The network benchmarks' messages, as a JSON descriptor (what `beckon gen` embeds) so the same module
 * loads in Node and in a bundled browser page without reading .proto files.
 */
const root = rootFromJson({
  nested: {
    benchnet: {
      nested: {
        Ping: { fields: { seq: { type: 'uint32', id: 1 }, pad: { type: 'bytes', id: 2 } } },
        State: {
          options: { '(beckon.lane)': 'UNRELIABLE', '(beckon.policy)': 'NOBODY' },
          fields: { seq: { type: 'uint32', id: 1 }, sentAt: { type: 'double', id: 2 }, pad: { type: 'bytes', id: 3 } },
        },
        Blob: { fields: { data: { type: 'bytes', id: 1 } } },
        Done: { options: { '(beckon.policy)': 'NOBODY' }, fields: { bytes: { type: 'uint32', id: 1 } } },
      },
    },
  },
});

export interface Ping {
  seq: number;
  pad: Uint8Array;
}
export interface State {
  seq: number;
  sentAt: number;
  pad: Uint8Array;
}
export interface Blob {
  data: Uint8Array;
}
export interface Done {
  bytes: number;
}

export const Ping = messageType<Ping>(root, 'benchnet.Ping');
export const State = messageType<State>(root, 'benchnet.State');
export const Blob = messageType<Blob>(root, 'benchnet.Blob');
export const Done = messageType<Done>(root, 'benchnet.Done');
export const benchTypes = [Ping, State, Blob, Done];

/** Payload bytes of a "small message" in the round-trip benchmarks, the same for every system. */
export const smallPayloadBytes = 32;
