import { channelInit, hostRoom, joinRoom, reliableLane, unreliableLane } from '@beckon/core';
import type { HostRoom, MemberRoom } from '@beckon/core';
import { createPeerJsTransport } from '@beckon/peerjs';
import type { DataConnection, Peer, PeerOptions } from 'peerjs';
import { benchTypes, Blob, Done, Ping, smallPayloadBytes } from './messages.ts';

/**
 * Two peers of one "system" on one PeerServer, in Node or in a browser page: a responder that echoes
 * pings and acknowledges bulk transfers, and a driver that measures. Each side may run in its own page.
 *
 * - beckon: a host room and a member over `@beckon/peerjs` (negotiated lanes, framing, chunking, acks).
 * - raw: the same kind of connection (PeerJS signalling, negotiated data channels with the lanes' settings on
 *   its RTCPeerConnection) carrying bare bytes, with the minimal back-pressure any bulk sender needs: the
 *   physical limit Beckon is measured against.
 * - peerjs: plain PeerJS DataConnections as its users write them: default (BinaryPack) serialization, objects,
 *   `reliable: true` for the reliable lane and the default (`reliable: false`, unordered but still
 *   retransmitting) for the unreliable one.
 */
export type System = 'beckon' | 'raw' | 'peerjs';
export type LaneKind = 'reliable' | 'unreliable';

export const systems: readonly System[] = ['beckon', 'raw', 'peerjs'];

export interface SignalServer {
  readonly host: string;
  readonly port: number;
  readonly path: string;
}

export interface Responder {
  readonly id: string;
  close(): Promise<void>;
}

export interface RttResult {
  /** Round trips in ms, in order; lost pings are left out. */
  readonly samples: number[];
  readonly lost: number;
}

export interface Driver {
  /** `count` sequential round trips of a small message on a lane. */
  rtt(lane: LaneKind, count: number): Promise<RttResult>;
  /** Sends `bytes` on the reliable lane; resolves with the seconds until the responder confirmed receipt of all. */
  bulk(bytes: number): Promise<number>;
  /** The same as a byte stream (`sendBytes`), chunk by chunk under the responder's credit; Beckon only. */
  streamBulk?(bytes: number): Promise<number>;
  close(): Promise<void>;
}

/** A ping that gets no answer within this long counts as lost (the unreliable lane sends once). */
const pingTimeoutMs = 1000;
const bulkChunkBytes = 16 * 1024;
const connectTimeoutMs = 15_000;
const hostMaxPayload = 64 * 1024 * 1024;

const clock = (): number => performance.now();

/** The topic of the bulk byte stream. */
const bulkTopic = 'bench.bulk';

/**
 * The payload of a bulk transfer, made once per size and kept: the app's own data, so peak-memory samples taken
 * during a transfer show what each system holds beyond it.
 */
const payloads = new Map<number, Uint8Array<ArrayBuffer>>();
export function bulkPayload(bytes: number): Uint8Array<ArrayBuffer> {
  let data = payloads.get(bytes);
  if (!data) {
    payloads.clear();
    data = new Uint8Array(bytes);
    payloads.set(bytes, data);
  }
  return data;
}

export async function startResponder(system: System, server: SignalServer, id: string): Promise<Responder> {
  switch (system) {
    case 'beckon':
      return beckonResponder(server, id);
    case 'raw':
      return rawResponder(server, id);
    case 'peerjs':
      return peerjsResponder(server, id);
  }
}

export async function startDriver(system: System, server: SignalServer, responderId: string): Promise<Driver> {
  switch (system) {
    case 'beckon':
      return beckonDriver(server, responderId);
    case 'raw':
      return rawDriver(server, responderId);
    case 'peerjs':
      return peerjsDriver(server, responderId);
  }
}

/** Sends the numbered pings one after another; `send` returns nothing, `onReply` is wired by the caller. */
class PingTracker {
  #waiting: { seq: number; resolve: (ok: boolean) => void } | undefined;
  #seq = 0;

  reply(seq: number): void {
    if (this.#waiting?.seq === seq) this.#waiting.resolve(true);
  }

  async run(count: number, send: (seq: number) => void): Promise<RttResult> {
    const samples: number[] = [];
    let lost = 0;
    for (let i = 0; i < count; i++) {
      const seq = ++this.#seq;
      const start = clock();
      const ok = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), pingTimeoutMs);
        this.#waiting = {
          seq,
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value);
          },
        };
        send(seq);
      });
      this.#waiting = undefined;
      if (ok) samples.push(clock() - start);
      else lost++;
    }
    return { samples, lost };
  }
}

function waitFor<T>(what: string, executor: (resolve: (value: T) => void, reject: (error: Error) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out`)), connectTimeoutMs);
    executor(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

// Beckon

async function beckonResponder(server: SignalServer, id: string): Promise<Responder> {
  const transport = await createPeerJsTransport({ ...server, id });
  const host: HostRoom = hostRoom({ transport, types: benchTypes, maxPayloadBytes: hostMaxPayload, rateLimit: false });
  host.on(Ping, (value, meta) => host.send(Ping, value, { to: meta.from, lane: meta.lane }));
  host.on(Blob, (value, meta) => host.send(Done, { bytes: value.data.byteLength }, { to: meta.from }));
  // Read and dropped, a chunk at a time: the responder holds at most the stream's window.
  host.onByteStream(bulkTopic, (reader) => {
    void (async () => {
      for await (const _chunk of reader);
    })().catch(() => undefined);
  });
  return { id, close: () => host.close() };
}

async function beckonDriver(server: SignalServer, responderId: string): Promise<Driver> {
  const transport = await createPeerJsTransport({ ...server });
  const member: MemberRoom = await joinRoom({ transport, hostId: responderId, types: benchTypes, session: { maxMessageBytes: hostMaxPayload } });
  const pings = new PingTracker();
  let onDone: ((bytes: number) => void) | undefined;
  member.on(Ping, (value) => pings.reply(value.seq));
  member.on(Done, (value) => onDone?.(value.bytes));
  const pad = new Uint8Array(smallPayloadBytes - 4);
  return {
    rtt: (lane, count) => pings.run(count, (seq) => member.send(Ping, { seq, pad }, { lane })),
    async bulk(bytes) {
      const data = bulkPayload(bytes);
      const start = clock();
      const done = new Promise<number>((resolve) => (onDone = resolve));
      member.send(Blob, { data });
      const received = await done;
      if (received !== bytes) throw new Error(`beckon bulk: responder got ${received} of ${bytes} bytes`);
      return (clock() - start) / 1000;
    },
    async streamBulk(bytes) {
      const data = bulkPayload(bytes);
      const start = clock();
      // Settles once the responder confirmed every byte.
      const info = await member.sendBytes(data, { topic: bulkTopic });
      if (info.size !== bytes) throw new Error(`beckon stream: sent ${info.size} of ${bytes} bytes`);
      return (clock() - start) / 1000;
    },
    close: () => member.leave(),
  };
}

// Shared by raw and peerjs: a bare PeerJS peer.

type PeerConstructor = new (...args: [string, PeerOptions] | [PeerOptions]) => Peer;

async function openPeer(server: SignalServer, id?: string): Promise<Peer> {
  const module = (await import('peerjs')) as unknown as { Peer?: PeerConstructor; default?: { Peer?: PeerConstructor } };
  const PeerClass = module.Peer ?? module.default?.Peer;
  if (PeerClass === undefined) throw new Error('peerjs did not export Peer');
  const options: PeerOptions = { host: server.host, port: server.port, path: server.path, secure: false, config: { iceServers: [] }, debug: 0 };
  const peer = id === undefined ? new PeerClass(options) : new PeerClass(id, options);
  await waitFor<void>('PeerServer registration', (resolve, reject) => {
    peer.once('open', () => resolve());
    peer.once('error', (error) => reject(error));
  });
  peer.on('error', () => {});
  return peer;
}

function whenOpen(connection: DataConnection): Promise<void> {
  if (connection.open) return Promise.resolve();
  return waitFor<void>('PeerJS DataConnection open', (resolve, reject) => {
    connection.once('open', () => resolve());
    connection.once('error', (error) => reject(error));
  });
}

// Raw: negotiated channels on a PeerJS-made RTCPeerConnection, carrying bare bytes.

interface RawLanes {
  readonly reliable: RTCDataChannel;
  readonly unreliable: RTCDataChannel;
}

/** Both sides create the lanes' channels (same ids and settings as Beckon's) once the connection is open. */
async function rawLanes(connection: DataConnection): Promise<RawLanes> {
  await whenOpen(connection);
  const pc = connection.peerConnection;
  const make = (lane: typeof reliableLane): RTCDataChannel => {
    const channel = pc.createDataChannel(`raw-${lane.name}`, channelInit(lane));
    channel.binaryType = 'arraybuffer';
    return channel;
  };
  const lanes = { reliable: make(reliableLane), unreliable: make(unreliableLane) };
  await Promise.all(
    Object.values(lanes).map((channel) =>
      channel.readyState === 'open'
        ? undefined
        : waitFor<void>('raw channel open', (resolve) => channel.addEventListener('open', () => resolve(), { once: true })),
    ),
  );
  return lanes;
}

function bytesOf(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(0);
}

async function rawResponder(server: SignalServer, id: string): Promise<Responder> {
  const peer = await openPeer(server, id);
  peer.on('connection', (connection) => {
    void rawLanes(connection).then(({ reliable, unreliable }) => {
      // Data for a stream the other side has not opened yet resets it: tell the driver when ours exist.
      void connection.send('ready');
      let expecting = 0;
      let received = 0;
      unreliable.addEventListener('message', (event: MessageEvent) => unreliable.send(bytesOf(event.data) as Uint8Array<ArrayBuffer>));
      reliable.addEventListener('message', (event: MessageEvent) => {
        const data: unknown = event.data;
        if (typeof data === 'string') {
          // "bulk <n>": what follows is n bytes of payload to count, not pings.
          expecting = Number(data.slice(5));
          received = 0;
          return;
        }
        const bytes = bytesOf(data);
        if (expecting === 0) {
          reliable.send(bytes as Uint8Array<ArrayBuffer>);
          return;
        }
        received += bytes.byteLength;
        if (received >= expecting) {
          reliable.send(`done ${received}`);
          expecting = 0;
        }
      });
    });
  });
  return { id, close: async () => peer.destroy() };
}

async function rawDriver(server: SignalServer, responderId: string): Promise<Driver> {
  const peer = await openPeer(server);
  const connection = peer.connect(responderId, { serialization: 'raw', reliable: true });
  const ready = waitFor<void>('raw responder ready', (resolve) => connection.on('data', (data) => data === 'ready' && resolve()));
  const lanes = await rawLanes(connection);
  await ready;
  const pings = new PingTracker();
  let onDone: ((bytes: number) => void) | undefined;
  const onMessage = (event: MessageEvent): void => {
    const data: unknown = event.data;
    if (typeof data === 'string') {
      if (data.startsWith('done ')) onDone?.(Number(data.slice(5)));
      return;
    }
    const bytes = bytesOf(data);
    if (bytes.byteLength >= 4) pings.reply(new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0));
  };
  lanes.reliable.addEventListener('message', onMessage);
  lanes.unreliable.addEventListener('message', onMessage);
  return {
    rtt: (lane, count) =>
      pings.run(count, (seq) => {
        const message = new Uint8Array(smallPayloadBytes);
        new DataView(message.buffer).setUint32(0, seq);
        lanes[lane].send(message);
      }),
    async bulk(bytes) {
      const channel = lanes.reliable;
      const data = bulkPayload(bytes);
      const highWater = 1024 * 1024;
      channel.bufferedAmountLowThreshold = 256 * 1024;
      const start = clock();
      const done = new Promise<number>((resolve) => (onDone = resolve));
      channel.send(`bulk ${bytes}`);
      for (let offset = 0; offset < bytes; offset += bulkChunkBytes) {
        if (channel.bufferedAmount > highWater) {
          await new Promise<void>((resolve) => channel.addEventListener('bufferedamountlow', () => resolve(), { once: true }));
        }
        channel.send(data.subarray(offset, Math.min(bytes, offset + bulkChunkBytes)));
      }
      const received = await done;
      if (received !== bytes) throw new Error(`raw bulk: responder got ${received} of ${bytes} bytes`);
      return (clock() - start) / 1000;
    },
    close: async () => peer.destroy(),
  };
}

// PeerJS as its users use it.

interface PeerJsMessage {
  readonly type: 'ping' | 'bulk' | 'done';
  readonly seq?: number;
  readonly pad?: Uint8Array;
  readonly data?: Uint8Array;
  readonly bytes?: number;
}

async function peerjsResponder(server: SignalServer, id: string): Promise<Responder> {
  const peer = await openPeer(server, id);
  peer.on('connection', (connection) => {
    connection.on('data', (data) => {
      const message = data as PeerJsMessage;
      if (message.type === 'ping') void connection.send(message);
      // BinaryPack hands binary back as an ArrayBuffer.
      else if (message.type === 'bulk') void connection.send({ type: 'done', bytes: bytesOf(message.data).byteLength });
    });
  });
  return { id, close: async () => peer.destroy() };
}

async function peerjsDriver(server: SignalServer, responderId: string): Promise<Driver> {
  const peer = await openPeer(server);
  const connections = {
    reliable: peer.connect(responderId, { reliable: true }),
    unreliable: peer.connect(responderId),
  };
  await Promise.all(Object.values(connections).map(whenOpen));
  const pings = new PingTracker();
  let onDone: ((bytes: number) => void) | undefined;
  for (const connection of Object.values(connections)) {
    connection.on('data', (data) => {
      const message = data as PeerJsMessage;
      if (message.type === 'ping' && message.seq !== undefined) pings.reply(message.seq);
      else if (message.type === 'done') onDone?.(message.bytes ?? 0);
    });
  }
  const pad = new Uint8Array(smallPayloadBytes - 4);
  return {
    rtt: (lane, count) => pings.run(count, (seq) => void connections[lane].send({ type: 'ping', seq, pad })),
    async bulk(bytes) {
      const data = bulkPayload(bytes);
      const start = clock();
      const done = new Promise<number>((resolve) => (onDone = resolve));
      void connections.reliable.send({ type: 'bulk', data });
      const received = await done;
      if (received !== bytes) throw new Error(`peerjs bulk: responder got ${received} of ${bytes} bytes`);
      return (clock() - start) / 1000;
    },
    close: async () => peer.destroy(),
  };
}
