import '@beckon/media/define';
import { hostRoom, joinRoom, loadIdentity, messageType, rootFromJson } from '@beckon/core';
import type { HostRoom, MemberRoom, MessageType } from '@beckon/core';
import { createRoomMedia, mediaMessageTypes, mediaMetadata } from '@beckon/media';
import type { MediaMode, RoomMedia } from '@beckon/media';
import { createPeerJsTransport } from '@beckon/peerjs';
import type { PeerJsTransport } from '@beckon/peerjs';

type Room = HostRoom | MemberRoom;

/** A round-trip probe for the data lanes, defined here because only this lab uses it. */
interface Ping {
  n: number;
  sentAt: number;
}
const Ping: MessageType<Ping> = messageType<Ping>(
  rootFromJson({
    nested: {
      lab: {
        nested: {
          Ping: {
            options: { '(beckon.lane)': 'RELIABLE', '(beckon.policy)': 'HOST_ONLY' },
            fields: { n: { type: 'uint32', id: 1 }, sentAt: { type: 'double', id: 2 } },
          },
        },
      },
    },
  }),
  'lab.Ping',
);

declare global {
  interface Window {
    /** The live room, transport and media, for the console and for the end-to-end test and the benchmark. */
    __mediaLab?: {
      readonly room: Room;
      readonly transport: PeerJsTransport;
      readonly media: RoomMedia;
      /** Member: `count` pings to the host, `intervalMs` apart, on `lane`; resolves to the round trips in ms. */
      ping(count: number, intervalMs: number, lane?: 'reliable' | 'unreliable'): Promise<number[]>;
    };
  }
}

const byId = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const now = (): number => performance.timeOrigin + performance.now();

function setConnection(state: string, text: string): void {
  const element = byId('connection');
  element.dataset['state'] = state;
  element.textContent = text;
}

function log(text: string): void {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  const list = byId('activity');
  list.prepend(item);
  while (list.children.length > 30) list.lastElementChild?.remove();
}

function signalling(): { host: string; port: number; path: string; secure: boolean } {
  const secure = location.protocol === 'https:';
  return { host: location.hostname, port: location.port === '' ? (secure ? 443 : 80) : Number(location.port), path: '/peerjs', secure };
}

function roomFromHash(): string | undefined {
  const id = new URLSearchParams(location.hash.replace(/^#/, '')).get('room');
  return id !== null && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : undefined;
}

function show(room: Room, transport: PeerJsTransport, media: RoomMedia): void {
  byId('workspace').hidden = false;
  byId('join-screen').hidden = true;
  const grid = byId('grid') as HTMLElement & { media: RoomMedia | undefined };
  const controls = byId('controls') as HTMLElement & { media: RoomMedia | undefined };
  grid.media = media;
  controls.media = media;
  const pending = new Map<number, (rtt: number) => void>();
  let sequence = 0;
  room.on(Ping, (ping, meta) => {
    if (room.isHost) (room as HostRoom).send(Ping, ping, { to: meta.from, lane: meta.lane });
    else pending.get(ping.n)?.(now() - ping.sentAt);
  });
  const ping = async (count: number, intervalMs: number, lane: 'reliable' | 'unreliable' = 'reliable'): Promise<number[]> => {
    const rtts: number[] = [];
    const waits: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const n = ++sequence;
      waits.push(
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            pending.delete(n);
            resolve();
          }, 3000);
          pending.set(n, (rtt) => {
            clearTimeout(timer);
            pending.delete(n);
            rtts.push(rtt);
            resolve();
          });
        }),
      );
      (room as MemberRoom).send(Ping, { n, sentAt: now() }, { lane });
      if (intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    await Promise.all(waits);
    return rtts;
  };
  window.__mediaLab = { room, transport, media, ping };
  room.on('state', (state) => setConnection(state, state === 'open' ? 'Connected' : state === 'reconnecting' ? 'Reconnecting…' : state));
  room.on('join', ({ participant, rejoined }) => log(`${participant.name} ${rejoined ? 'rejoined' : 'joined'}`));
  room.on('leave', ({ participant }) => log(`${participant.name} left`));
  media.events.on('invite', ({ fromName }) => log(`${fromName} invites you on stage`));
  media.events.on('remote', ({ participantId, stream }) => log(`${room.participant(participantId)?.name ?? participantId}: video ${stream ? 'arrived' : 'ended'}`));
  media.events.on('refused', (error) => log(`Refused: ${error.message}`));
  if (!room.isHost) {
    const rtt = byId('rtt');
    setInterval(() => {
      if (room.state !== 'open') return;
      void ping(1, 0).then(([value]) => {
        rtt.textContent = value === undefined ? 'lost' : `Round trip ${value.toFixed(1)} ms`;
      });
    }, 1000);
  } else {
    byId('rtt').textContent = 'Members ping the host; see their pages.';
  }
  void media.start().then(() => {
    if (media.local.error !== '') log(media.local.error);
  });
}

async function startHost(mode: MediaMode): Promise<void> {
  setConnection('connecting', 'Registering with the signalling server…');
  const transport = await createPeerJsTransport(signalling());
  const room = hostRoom({ transport, types: [...mediaMessageTypes, Ping], name: 'Teacher', room: 'media-lab', metadata: mediaMetadata(transport) });
  const media = createRoomMedia({ room, peer: transport.peer, mode });
  const link = `${location.origin}${location.pathname}#room=${encodeURIComponent(transport.localId)}`;
  byId<HTMLInputElement>('invite-link').value = link;
  byId<HTMLAnchorElement>('invite-open').href = link;
  byId('invite').hidden = false;
  for (const input of document.querySelectorAll<HTMLInputElement>('input[name="mode"]')) {
    input.checked = input.value === mode;
    input.addEventListener('change', () => {
      if (input.checked) media.setMode(input.value as MediaMode);
    });
  }
  setConnection('open', 'Hosting');
  show(room, transport, media);
}

async function startMember(hostId: string, name: string): Promise<void> {
  setConnection('connecting', 'Connecting…');
  const transport = await createPeerJsTransport(signalling());
  let media: RoomMedia | undefined;
  const room = await joinRoom(
    {
      transport,
      hostId,
      name,
      types: [...mediaMessageTypes, Ping],
      // A reload comes back as the same participant, so the host keeps its place on stage.
      identity: loadIdentity(sessionStorage, hostId),
      metadata: mediaMetadata(transport),
    },
    // Created before the join completes, so the roster replayed on join is seen.
    (joining) => (media = createRoomMedia({ room: joining, peer: transport.peer })),
  );
  setConnection('open', 'Connected');
  show(room, transport, media!);
}

async function main(): Promise<void> {
  const hostId = roomFromHash();
  const badge = byId('role-badge');
  badge.hidden = false;
  badge.textContent = hostId === undefined ? 'Host' : 'Member';
  if (hostId === undefined) {
    await startHost(new URLSearchParams(location.search).get('mode') === 'mesh' ? 'mesh' : 'stage');
    return;
  }
  const stored = sessionStorage.getItem('beckon:media-lab:name');
  if (stored !== null) {
    await startMember(hostId, stored);
    return;
  }
  byId('join-screen').hidden = false;
  byId<HTMLFormElement>('join-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const name = byId<HTMLInputElement>('join-name').value.trim() || 'Guest';
    sessionStorage.setItem('beckon:media-lab:name', name);
    startMember(hostId, name).catch((error: unknown) => setConnection('error', `Could not join: ${error instanceof Error ? error.message : String(error)}`));
  });
}

main().catch((error: unknown) => setConnection('error', `Failed: ${error instanceof Error ? error.message : String(error)}`));
