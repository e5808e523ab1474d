import { seededRandom } from '../../harness/random.ts';

/** A message kind in the mix, with sample values as an app would build them (protobufjs field names). */
export interface MessageKind {
  /** What a PeerJS user would put in the `type` field; also the row key. */
  readonly key: string;
  readonly label: string;
  /** Fully qualified name in protos/bench.proto. */
  readonly protoName: string;
  /** Messages of this kind per 100 in the weighted mix. */
  readonly weight: number;
  /** Fields holding bytes, which JSON users base64. */
  readonly bytesFields: readonly string[];
  /** `count` distinct sample values, deterministic. */
  samples(count: number): Record<string, unknown>[];
  /** Reads a field of a decoded value, so decoding cannot be skipped. */
  touch(value: Record<string, unknown>): number;
}

/** Deterministic PRNG (mulberry32) so every run encodes the same messages. */
export const random = seededRandom;

// Values a physics step or a pointer produce are doubles; protobuf `float` keeps 32 bits, so samples are
// float32-exact and every format round-trips them exactly.
const f32 = Math.fround;

const chatLines = [
  "Could you go over the second step again? I didn't follow how you got three quarters.",
  'I think the answer is B because the slope is negative between the two marked points.',
  'My audio dropped for a minute, did I miss anything important about the homework due?',
  'Is it okay if we work in pairs on the next exercise, or should everyone do it alone?',
  "Sorry I'm late, the bus was stuck in traffic. Which page of the workbook are we on?",
  'Can you share the slides after class? I want to review the diagram of the water cycle.',
];

const participantIds = ['q7f3k9ta', 'm2x8w4pe', 'z5r1c6nu', 'b9h4d2lo', 'k3v7s8yi', 'e6j2t5ga'];

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(next() * items.length)] as T;
}

function samplesOf(seed: number, make: (next: () => number, i: number) => Record<string, unknown>) {
  return (count: number): Record<string, unknown>[] => {
    const next = random(seed);
    return Array.from({ length: count }, (_, i) => make(next, i));
  };
}

export const raiseHand: MessageKind = {
  key: 'raiseHand',
  label: 'Raise hand',
  protoName: 'bench.RaiseHand',
  weight: 4,
  bytesFields: [],
  samples: samplesOf(1, (_next, i) => ({ up: i % 4 !== 3 })),
  touch: (v) => (v['up'] ? 1 : 0),
};

export const chat: MessageKind = {
  key: 'chat',
  label: 'Chat message (~80 chars)',
  protoName: 'bench.ChatMessage',
  weight: 8,
  bytesFields: [],
  samples: samplesOf(2, (next, i) => ({ localId: 17 + i, text: pick(chatLines, next) })),
  touch: (v) => (v['text'] as string).length,
};

export const pollVote: MessageKind = {
  key: 'pollVote',
  label: 'Poll vote',
  protoName: 'bench.PollVote',
  weight: 10,
  bytesFields: [],
  samples: samplesOf(3, (next) => ({ pollId: 'poll-3', choices: [Math.floor(next() * 6)] })),
  touch: (v) => (v['choices'] as number[]).length,
};

const optionLabels = ['Strongly agree', 'Agree', 'Not sure', 'Disagree', 'Strongly disagree', 'Skip'];

export const pollResults: MessageKind = {
  key: 'pollResults',
  label: 'Poll results (6 options)',
  protoName: 'bench.PollResults',
  weight: 6,
  bytesFields: [],
  samples: samplesOf(4, (next, i) => {
    const options = optionLabels.map((label) => ({ label, count: Math.floor(next() * 12) }));
    return { pollId: 'poll-3', options, voters: options.reduce((sum, o) => sum + o.count, 0), closed: i % 5 === 4 };
  }),
  touch: (v) => ((v['options'] as { count: number }[])[5] as { count: number }).count,
};

export const cursor: MessageKind = {
  key: 'cursor',
  label: 'Cursor move',
  protoName: 'bench.CursorMove',
  weight: 25,
  bytesFields: [],
  samples: samplesOf(5, (next) => ({ id: pick(participantIds, next), x: f32(next() * 1280), y: f32(next() * 720) })),
  touch: (v) => v['x'] as number,
};

export const gameInput: MessageKind = {
  key: 'input',
  label: 'Game input (+3 redundant)',
  protoName: 'bench.GameInput',
  weight: 30,
  bytesFields: [],
  samples: samplesOf(6, (next, i) => ({
    seq: 4000 + i,
    buttons: Math.floor(next() * 0x100),
    aim: f32(next() * 2 * Math.PI),
    previous: [0, 1, 2].map(() => Math.floor(next() * 0x100)),
  })),
  touch: (v) => v['seq'] as number,
};

export const snapshot: MessageKind = {
  key: 'snapshot',
  label: 'Game snapshot (16 entities)',
  protoName: 'bench.GameSnapshot',
  weight: 15,
  bytesFields: [],
  samples: samplesOf(7, (next, i) => ({
    tick: 12000 + i * 3,
    entities: Array.from({ length: 16 }, (_, id) => ({
      id: id + 1,
      x: f32(next() * 2000),
      y: f32(next() * 2000),
      vx: f32((next() - 0.5) * 400),
      vy: f32((next() - 0.5) * 400),
      angle: f32(next() * 2 * Math.PI),
    })),
  })),
  touch: (v) => ((v['entities'] as { x: number }[])[15] as { x: number }).x,
};

export const fileChunk: MessageKind = {
  key: 'fileChunk',
  label: 'File chunk (16 KiB)',
  protoName: 'bench.FileChunk',
  weight: 2,
  bytesFields: ['data'],
  samples: samplesOf(8, (next, i) => {
    const data = new Uint8Array(16 * 1024);
    for (let b = 0; b < data.length; b++) data[b] = Math.floor(next() * 256);
    return { fileId: 'worksheet-2.pdf', index: i, total: 40, data };
  }),
  touch: (v) => {
    const data = v['data'] as ArrayBufferLike | ArrayBufferView;
    return data.byteLength;
  },
};

export const messageKinds: readonly MessageKind[] = [raiseHand, chat, pollVote, pollResults, cursor, gameInput, snapshot, fileChunk];
