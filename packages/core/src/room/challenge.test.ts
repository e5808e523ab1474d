import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../codec.ts';
import type { Frame } from '../codec.ts';
import { Refused } from '../gen/control.ts';
import { defaultLanes } from '../lanes.ts';
import { LoopbackNetwork } from '../loopback.ts';
import { typeId } from '../schema.ts';
import { hostTypes, RaiseHand } from '../test-utils/test-schema.ts';
import { nextEvent, waitFor } from '../test-utils/wait.ts';
import type { ChannelHandlers, Link, Transport } from '../transport.ts';
import { createHostCredentials } from '../trust.ts';
import { hostRoom } from './host.ts';
import { joinRoom } from './member.ts';
import type { ConnectionState } from './types.ts';

const fast = { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 500 };
const admissionTypes = new Set([typeId('beckon.Hello'), typeId('beckon.Join')]);

/** Wraps a transport so every reliable-lane frame it sends and receives is seen by `tap` (an eavesdropper's view). */
function tapped(inner: Transport, tap: (direction: 'out' | 'in', bytes: Uint8Array) => void): Transport {
  const wrap = (link: Link): Link => {
    const channel = link.channels.get('reliable')!;
    const send = channel.send.bind(channel);
    channel.send = (data) => {
      // Lent for the call only (see Channel.send): the tap keeps a copy.
      tap('out', data.slice());
      send(data);
    };
    const setHandlers = channel.setHandlers.bind(channel);
    channel.setHandlers = (handlers: ChannelHandlers) =>
      setHandlers({
        ...handlers,
        onMessage: (data) => {
          tap('in', data);
          handlers.onMessage(data);
        },
      });
    return link;
  };
  return {
    localId: inner.localId,
    listen: (options, onLink) => inner.listen(options, (link) => onLink(wrap(link))),
    connect: async (remoteId, options) => wrap(await inner.connect(remoteId, options)),
    close: () => inner.close(),
  };
}

/** A raw link to `hostId` that records what the host answers. */
async function rawLink(transport: Transport, hostId: string): Promise<{ link: Link; received: Frame[] }> {
  const link = await transport.connect(hostId, { lanes: defaultLanes, timeoutMs: 2000 });
  const received: Frame[] = [];
  for (const channel of link.channels.values()) {
    channel.setHandlers({
      onOpen() {},
      onClose() {},
      onError() {},
      onBufferedAmountLow() {},
      onMessage(data) {
        const decoded = decodeFrame(data);
        if (decoded.ok) received.push(decoded.value);
      },
    });
  }
  return { link, received };
}

describe('admission is a protocol, not a race', () => {
  it('refuses a replayed Join: the proof covers a nonce the host chose for that link', async () => {
    const network = new LoopbackNetwork();
    const credentials = await createHostCredentials('room-replay');
    const host = hostRoom({ transport: network.transport('room-replay'), types: hostTypes, credentials });
    try {
      const recorded: Uint8Array[] = [];
      const transport = tapped(network.transport('ada'), (direction, bytes) => {
        const frame = decodeFrame(bytes);
        if (direction === 'out' && frame.ok && admissionTypes.has(frame.value.type)) recorded.push(bytes);
      });
      const ada = await joinRoom({ transport, hostId: 'room-replay', name: 'Ada', invite: credentials.invite });
      await ada.leave();
      await waitFor(() => host.participants.length === 1, 3000, 'Ada to leave');
      expect(recorded.length).toBeGreaterThan(0);
      const joins: string[] = [];
      host.on('join', ({ participant }) => joins.push(participant.id));

      // Ada gave up her transport id; the attacker takes it and replays her frames, byte for byte.
      const { link, received } = await rawLink(network.transport('ada'), 'room-replay');
      // It plays along: Hello, waits for the host's Challenge, then Ada's Join.
      const [hello, ...rest] = recorded;
      link.channels.get('reliable')!.send(hello!);
      await waitFor(() => received.some((frame) => frame.type === typeId('beckon.Challenge')), 3000, 'a challenge');
      for (const bytes of rest) link.channels.get('reliable')!.send(bytes);
      const refused = await waitFor(() => received.find((frame) => frame.type === Refused.id), 3000, 'a refusal');
      expect(Refused.decode(refused.payload).code).toBe('invite-required');
      expect(joins).toEqual([]);
      expect(host.participants.map((p) => p.name)).toEqual(['Host']);
    } finally {
      await host.close();
    }
  });

  it('sends its resume token only to a host that proved it holds the room key', async () => {
    const network = new LoopbackNetwork();
    const credentials = await createHostCredentials('room-grab');
    // A peer grabbed the host's id; it runs a room without the key and records everything it is sent.
    const seen: Uint8Array[] = [];
    const impostor = hostRoom({ transport: tapped(network.transport('room-grab'), (direction, bytes) => direction === 'in' && seen.push(bytes)), types: hostTypes });
    try {
      const identity = { participantId: 'ada-1', resumeToken: 'secret-token-of-ada-0123' };
      await expect(
        joinRoom({ transport: network.transport('ada'), hostId: 'room-grab', name: 'Ada', invite: credentials.invite, identity, reconnect: false }),
      ).rejects.toMatchObject({ code: 'refused', message: expect.stringMatching(/not the host of this room/) });
      const text = seen.map((bytes) => new TextDecoder().decode(bytes)).join('');
      expect(seen.length).toBeGreaterThan(0);
      expect(text).not.toContain(identity.resumeToken);
      expect(impostor.participants.map((p) => p.name)).toEqual(['Host']);
    } finally {
      await impostor.close();
    }
  });

  it('keeps a member retrying, with its transport id, while an unverified peer holds the host id', async () => {
    const network = new LoopbackNetwork();
    const credentials = await createHostCredentials('room-race');
    let host = hostRoom({ transport: network.transport('room-race'), types: hostTypes, credentials, session: fast });
    const ada = await joinRoom({
      transport: network.transport('ada'),
      hostId: 'room-race',
      name: 'Ada',
      invite: credentials.invite,
      session: fast,
      reconnectMaxDelayMs: 200,
    });
    const states: ConnectionState[] = [];
    ada.on('state', (state) => states.push(state));
    try {
      await host.close();
      await waitFor(() => ada.state === 'reconnecting', 3000, 'Ada to notice');

      // First an impostor that answers every frame with a refusal, as if it were the host.
      const refuser = network.transport('room-race');
      let refusals = 0;
      refuser.listen({ lanes: defaultLanes }, (link) => {
        link.channels.get('reliable')!.setHandlers({
          onOpen() {},
          onClose() {},
          onError() {},
          onBufferedAmountLow() {},
          onMessage() {
            refusals++;
            link.channels.get('reliable')!.send(encodeFrame({ type: Refused.id, payload: Refused.encode({ code: 'identity-taken', message: 'go away' }) }));
          },
        });
      });
      await waitFor(() => refusals >= 2, 5000, 'two refused attempts');
      await refuser.close();

      // Then one that runs a room without the key.
      let keylessFrames = 0;
      const keylessTransport = tapped(network.transport('room-race'), (direction) => direction === 'in' && keylessFrames++);
      const keyless = hostRoom({ transport: keylessTransport, types: hostTypes, session: fast });
      await waitFor(() => keylessFrames >= 2, 5000, 'attempts at the keyless impostor');
      await keyless.close();
      expect(network.peer('ada')).toBeDefined();

      // The real host is back: Ada returns on her own, as herself.
      host = hostRoom({ transport: network.transport('room-race'), types: hostTypes, credentials, session: fast });
      await waitFor(() => ada.state === 'open', 8000, 'Ada to return');
      expect(states).not.toContain('closed');
      const hand = nextEvent<string>((l) => host.on(RaiseHand, (_v, m) => l(m.from)));
      ada.send(RaiseHand, { raised: true });
      expect(await hand).toBe(ada.selfId);
    } finally {
      await ada.leave();
      await host.close();
    }
  });
});
