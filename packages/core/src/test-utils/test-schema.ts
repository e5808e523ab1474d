import { messageType, rootFromJson } from '../schema.ts';

/** A small application schema for core tests, built the way generated modules build theirs. */
const root = rootFromJson({
  nested: {
    test: {
      nested: {
        Chat: {
          options: { '(beckon.policy)': 'EVERYONE' },
          fields: { text: { type: 'string', id: 1 }, from: { type: 'string', id: 2 } },
        },
        RaiseHand: { fields: { raised: { type: 'bool', id: 1 } } },
        Cursor: {
          options: { '(beckon.lane)': 'UNRELIABLE', '(beckon.policy)': 'EVERYONE' },
          fields: { x: { type: 'float', id: 1 }, y: { type: 'float', id: 2 } },
        },
        Announcement: { options: { '(beckon.policy)': 'NOBODY' }, fields: { text: { type: 'string', id: 1 } } },
        File: {
          options: { '(beckon.policy)': 'EVERYONE', '(beckon.max_bytes)': 4194304 },
          fields: { name: { type: 'string', id: 1 }, data: { type: 'bytes', id: 2 } },
        },
        Tiny: { options: { '(beckon.max_bytes)': 8 }, fields: { text: { type: 'string', id: 1 } } },
        Unknown: { fields: { n: { type: 'uint32', id: 1 } } },
      },
    },
  },
});

export interface Chat {
  text: string;
  from: string;
}
export interface RaiseHand {
  raised: boolean;
}
export interface Cursor {
  x: number;
  y: number;
}
export interface Announcement {
  text: string;
}
export interface File {
  name: string;
  data: Uint8Array;
}
export interface Tiny {
  text: string;
}
export interface Unknown {
  n: number;
}

export const Chat = messageType<Chat>(root, 'test.Chat');
export const RaiseHand = messageType<RaiseHand>(root, 'test.RaiseHand');
export const Cursor = messageType<Cursor>(root, 'test.Cursor');
export const Announcement = messageType<Announcement>(root, 'test.Announcement');
export const File = messageType<File>(root, 'test.File');
export const Tiny = messageType<Tiny>(root, 'test.Tiny');
/** Known to members only: the host has never heard of it, like a type from a newer app version. */
export const Unknown = messageType<Unknown>(root, 'test.Unknown');

export const hostTypes = [Chat, RaiseHand, Cursor, Announcement, File, Tiny];
