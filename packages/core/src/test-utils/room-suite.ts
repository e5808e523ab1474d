import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../codec.ts';
import type { BeckonError } from '../errors.ts';
import { hostRoom, joinRoom } from '../room/index.ts';
import type { HostOptions, HostRoom, MemberOptions, MemberRoom, MessageMeta } from '../room/index.ts';
import type { Transport } from '../transport.ts';
import { createHostCredentials } from '../trust.ts';
import { Announcement, Chat, Cursor, File, hostTypes, RaiseHand, Tiny, Unknown } from './test-schema.ts';
import { nextEvent, waitFor } from './wait.ts';
import { memberSession } from '../testing.ts';

/** Makes transports with chosen ids on one network (a loopback network, or a PeerServer). */
export interface Network {
  transport(id: string): Promise<Transport>;
  cleanup(): Promise<void>;
}

export interface RoomFixture {
  readonly network: Network;
  readonly host: HostRoom;
  join(name: string, options?: Partial<MemberOptions>, setup?: (room: MemberRoom) => void): Promise<MemberRoom>;
  cleanup(): Promise<void>;
}

let counter = 0;

export async function roomFixture(makeNetwork: () => Promise<Network>, hostOptions: Partial<HostOptions> = {}): Promise<RoomFixture> {
  const network = await makeNetwork();
  const run = `${Date.now().toString(36)}${counter++}`;
  const hostTransport = await network.transport(`host-${run}`);
  const host = hostRoom({ transport: hostTransport, types: hostTypes, name: 'Teacher', room: 'test', ...hostOptions });
  const members: MemberRoom[] = [];
  let n = 0;
  return {
    network,
    host,
    async join(name, options = {}, setup) {
      const transport = await network.transport(`m${n++}-${run}-${Math.random().toString(36).slice(2, 6)}`);
      const room = await joinRoom({ transport, hostId: hostTransport.localId, name, types: hostTypes, ...options }, setup);
      members.push(room);
      return room;
    },
    async cleanup() {
      for (const member of members) await member.leave().catch(() => undefined);
      await host.close();
      await network.cleanup();
    },
  };
}

/** Room behaviour every transport must support. */
export function describeRoomSuite(name: string, makeNetwork: () => Promise<Network>): void {
  describe(`room contract: ${name}`, () => {
    it('admits members and keeps presence with names and roles on every side', async () => {
      const room = await roomFixture(makeNetwork);
      try {
        const hostJoins = nextEvent<{ participant: { name: string } }>((l) => room.host.on('join', l), (e) => e.participant.name === 'Bea');
        const ada = await room.join('Ada');
        const adaSeesBea = nextEvent<{ participant: { name: string } }>((l) => ada.on('join', l));
        const bea = await room.join('Bea', { role: 'observer' });
        await hostJoins;
        expect((await adaSeesBea).participant.name).toBe('Bea');
        const names = (r: { participants: readonly { name: string; role: string }[] }) =>
          r.participants.map((p) => `${p.name}:${p.role}`).sort();
        const expected = ['Ada:member', 'Bea:observer', 'Teacher:host'];
        expect(names(room.host)).toEqual(expected);
        expect(names(ada)).toEqual(expected);
        expect(names(bea)).toEqual(expected);
        expect(bea.hostId).toBe(room.host.selfId);

        const left = nextEvent<{ participant: { name: string }; reason: string }>((l) => ada.on('leave', l));
        await bea.leave();
        const event = await left;
        expect(event.participant.name).toBe('Bea');
        expect(event.reason).toBe('left');
        expect(names(ada)).toEqual(['Ada:member', 'Teacher:host']);
      } finally {
        await room.cleanup();
      }
    });

    it('delivers typed messages on their lanes, stamped with the real sender', async () => {
      const room = await roomFixture(makeNetwork);
      try {
        const ada = await room.join('Ada');
        const bea = await room.join('Bea');
        const hostGot = nextEvent<[{ text: string }, MessageMeta]>((l) => room.host.on(Chat, (v, m) => l([v, m])));
        const beaGot = nextEvent<[{ text: string }, MessageMeta]>((l) => bea.on(Chat, (v, m) => l([v, m])));
        const delivery = ada.send(Chat, { text: 'hello <b>all</b>' });
        const [hostValue, hostMeta] = await hostGot;
        const [beaValue, beaMeta] = await beaGot;
        expect(hostValue.text).toBe('hello <b>all</b>');
        expect(beaValue.text).toBe('hello <b>all</b>');
        expect(hostMeta.from).toBe(ada.selfId);
        expect(beaMeta.from).toBe(ada.selfId);
        expect(beaMeta.lane).toBe('reliable');
        expect(beaMeta.sentAt).toBeGreaterThan(Date.now() - 60_000);
        expect(await delivery.settled).toMatchObject({ ok: true });

        // The unreliable lane, and a lane override in code.
        const cursor = nextEvent<MessageMeta>((l) => bea.on(Cursor, (_v, m) => l(m)));
        // Unreliable frames may be lost: send a few.
        for (let i = 0; i < 5; i++) ada.send(Cursor, { x: i, y: 2 });
        expect((await cursor).lane).toBe('unreliable');
        const overridden = nextEvent<MessageMeta>((l) => bea.on(Chat, (_v, m) => l(m)));
        ada.send(Chat, { text: 'on partial' }, { lane: 'partial' });
        expect((await overridden).lane).toBe('partial');

        // A host-only action reaches the host and nobody else.
        let beaSawHand = false;
        bea.on(RaiseHand, () => (beaSawHand = true));
        const hand = nextEvent<MessageMeta>((l) => room.host.on(RaiseHand, (_v, m) => l(m)));
        ada.send(RaiseHand, { raised: true });
        expect((await hand).from).toBe(ada.selfId);
        // A host event reaches everyone.
        const announced = nextEvent<{ text: string }>((l) => bea.on(Announcement, (v) => l(v)));
        room.host.send(Announcement, { text: 'quiz in 5' });
        expect((await announced).text).toBe('quiz in 5');
        expect(beaSawHand).toBe(false);
      } finally {
        await room.cleanup();
      }
    });

    it('shows each link (transport id, lanes, counters) without handing out the link itself', async () => {
      const room = await roomFixture(makeNetwork);
      try {
        const ada = await room.join('Ada');
        const toHost = ada.link()!;
        const toAda = room.host.link(ada.selfId)!;
        // The host learns the member's transport id from the transport, not from anything the member claims.
        expect(toAda.remoteId).toBe(ada.transport.localId);
        expect(toHost.remoteId).toBe(room.host.transport.localId);
        expect([...toHost.lanes.keys()].sort()).toEqual(['partial', 'reliable', 'unreliable']);
        expect(toHost.lanes.get('unreliable')).toMatchObject({ ordered: false, maxRetransmits: 0 });
        expect(toAda.lanes.get('reliable')).toMatchObject({ ordered: true, maxRetransmits: null });
        await ada.send(Chat, { text: 'counted' }).settled;
        expect(toHost.stats.framesSent).toBeGreaterThan(0);
        expect(toAda.stats.bytesReceived).toBeGreaterThan(0);
        expect('send' in toHost || 'close' in toHost || 'channels' in toHost).toBe(false);
        expect(room.host.link('nobody')).toBeUndefined();
        await ada.leave();
        expect(ada.link()).toBeUndefined();
      } finally {
        await room.cleanup();
      }
    });

    it('admits only invite holders, and members refuse a peer that cannot prove it is the host', async () => {
      const credentials = await createHostCredentials('suite');
      const room = await roomFixture(makeNetwork, { credentials });
      const extra: Transport[] = [];
      try {
        const ada = await room.join('Ada', { invite: credentials.invite });
        expect(ada.state).toBe('open');
        await expect(room.join('Eve', { reconnect: false })).rejects.toMatchObject({ code: 'refused', message: expect.stringMatching(/invite-required/) });
        // A keyless room elsewhere, posing as this one: a member holding the invite refuses it before sending its token.
        const impostorTransport = await room.network.transport(`impostor-${Math.random().toString(36).slice(2, 8)}`);
        const memberTransport = await room.network.transport(`bea-${Math.random().toString(36).slice(2, 8)}`);
        extra.push(memberTransport, impostorTransport);
        const impostor = hostRoom({ transport: impostorTransport, types: hostTypes });
        await expect(
          joinRoom({ transport: memberTransport, hostId: impostorTransport.localId, name: 'Bea', types: hostTypes, invite: credentials.invite, reconnect: false }),
        ).rejects.toMatchObject({ code: 'refused', message: expect.stringMatching(/not the host of this room/) });
        expect(impostor.participants.map((p) => p.name)).toEqual(['Host']);
        await impostor.close();
        expect(room.host.participants.map((p) => p.name).sort()).toEqual(['Ada', 'Teacher']);
      } finally {
        for (const transport of extra) await transport.close().catch(() => undefined);
        await room.cleanup();
      }
    });

    it('directs an everyone-type message to one participant through the host', async () => {
      const room = await roomFixture(makeNetwork);
      try {
        const ada = await room.join('Ada');
        const bea = await room.join('Bea');
        const cy = await room.join('Cy');
        let cySaw = 0;
        cy.on(Chat, () => cySaw++);
        const got = nextEvent<MessageMeta>((l) => bea.on(Chat, (_v, m) => l(m)));
        ada.send(Chat, { text: 'psst' }, { to: bea.selfId });
        const meta = await got;
        expect(meta.to).toBe(bea.selfId);
        expect(meta.from).toBe(ada.selfId);
        ada.send(Chat, { text: 'all' });
        await waitFor(() => cySaw === 1, 5000, 'cy receives the broadcast');
        expect(cySaw).toBe(1);
      } finally {
        await room.cleanup();
      }
    });

    it('enforces the policy: members cannot send host events or forge a sender', async () => {
      const room = await roomFixture(makeNetwork);
      try {
        const ada = await room.join('Ada');
        const bea = await room.join('Bea');
        expect(() => ada.send(Announcement, { text: 'I am the teacher' })).toThrowError(expect.objectContaining({ code: 'policy-violation' }));
        expect(() => ada.send(RaiseHand, { raised: true }, { to: bea.selfId })).toThrowError(
          expect.objectContaining({ code: 'policy-violation' }),
        );

        // A hostile member bypasses its own checks and writes raw frames.
        const hostError = nextEvent<BeckonError>((l) => room.host.on('error', l), (e) => e.code === 'policy-violation');
        const adaTold = nextEvent<BeckonError>((l) => ada.on('error', l), (e) => e.code === 'policy-violation');
        let beaSawAnnouncement = false;
        bea.on(Announcement, () => (beaSawAnnouncement = true));
        const raw = memberSession(ada)!.link.channels.get('reliable')!;
        raw.send(encodeFrame({ type: Announcement.id, payload: Announcement.encode({ text: 'fake' }), from: room.host.selfId }));
        const error = await hostError;
        expect(error.peer).toBe(ada.selfId);
        expect(error.messageType).toBe('test.Announcement');
        expect((await adaTold).message).toMatch(/Announcement/);

        const forged = nextEvent<MessageMeta>((l) => bea.on(Chat, (_v, m) => l(m)));
        raw.send(encodeFrame({ type: Chat.id, payload: Chat.encode({ text: 'spoof' }), from: bea.selfId }));
        expect((await forged).from).toBe(ada.selfId);
        expect(beaSawAnnouncement).toBe(false);
        expect(room.host.errorCounts['policy-violation']).toBe(1);
      } finally {
        await room.cleanup();
      }
    });

    it('reports unknown types and oversized payloads by peer, and keeps the connection', async () => {
      const room = await roomFixture(makeNetwork);
      try {
        const ada = await room.join('Ada', { types: [...hostTypes, Unknown] });
        const unknown = nextEvent<BeckonError>((l) => room.host.on('error', l), (e) => e.code === 'unknown-type');
        ada.send(Unknown, { n: 1 });
        expect((await unknown).peer).toBe(ada.selfId);
        const oversized = nextEvent<BeckonError>((l) => room.host.on('error', l), (e) => e.code === 'oversized');
        ada.send(Tiny, { text: 'far more than eight bytes' });
        expect((await oversized).messageType).toBe('test.Tiny');
        const still = nextEvent<{ raised: boolean }>((l) => room.host.on(RaiseHand, l));
        ada.send(RaiseHand, { raised: true });
        expect((await still).raised).toBe(true);
        expect(room.host.participants).toHaveLength(2);
      } finally {
        await room.cleanup();
      }
    });

    it('gives late joiners the retained state, in order, before join resolves', async () => {
      const room = await roomFixture(makeNetwork);
      try {
        room.host.retain('topic', Announcement, { text: 'Fractions' });
        const early = await room.join('Ada');
        const seenByEarly = nextEvent<{ text: string }>((l) => early.on(Announcement, l), (v) => v.text === 'Poll open');
        room.host.send(Announcement, { text: 'Poll open' }, { retain: 'poll' });
        await seenByEarly;
        const replayed: [string, boolean][] = [];
        await room.join('Late', {}, (late) => late.on(Announcement, (v, m) => replayed.push([v.text, m.replayed])));
        expect(replayed).toEqual([
          ['Fractions', true],
          ['Poll open', true],
        ]);
      } finally {
        await room.cleanup();
      }
    });

    it('acknowledges reliable messages and chunks large ones with progress on both ends', async () => {
      const room = await roomFixture(makeNetwork);
      try {
        const ada = await room.join('Ada');
        const bea = await room.join('Bea');
        const data = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) & 0xff);
        const sendProgress: number[] = [];
        const receiveProgress: number[] = [];
        ada.on('progress', (p) => p.direction === 'send' && sendProgress.push(p.bytes));
        bea.on('progress', (p) => p.direction === 'receive' && receiveProgress.push(p.bytes));
        const got = nextEvent<{ name: string; data: Uint8Array }>((l) => bea.on(File, l), undefined, 15_000);
        const delivery = ada.send(File, { name: 'notes.pdf', data });
        expect(delivery.transfer).toBeGreaterThan(0);
        const file = await got;
        expect(file.name).toBe('notes.pdf');
        expect(file.data.length).toBe(data.length);
        expect(file.data.every((byte, i) => byte === data[i])).toBe(true);
        expect(await delivery.settled).toMatchObject({ ok: true });
        expect(sendProgress.length).toBeGreaterThan(10);
        expect(sendProgress.at(-1)).toBeGreaterThanOrEqual(data.length);
        expect(receiveProgress.length).toBeGreaterThan(10);
        expect(receiveProgress).toEqual([...receiveProgress].sort((a, b) => a - b));

        // The unreliable lane refuses what it cannot carry in one frame, loudly.
        expect(() => ada.send(File, { name: 'x', data }, { lane: 'unreliable' })).toThrowError(
          expect.objectContaining({ code: 'oversized', lane: 'unreliable' }),
        );
      } finally {
        await room.cleanup();
      }
    });

    it('rejoins a reloaded member as the same participant', async () => {
      const room = await roomFixture(makeNetwork);
      try {
        const first = await room.join('Ada');
        const identity = first.identity;
        const rejoined = nextEvent<{ participant: { id: string }; rejoined: boolean }>((l) => room.host.on('join', l), (e) => e.rejoined);
        // A reload: a new page with a new transport id but the same stored identity; the old link is not closed.
        const second = await room.join('Ada again', { identity });
        expect(second.selfId).toBe(first.selfId);
        expect((await rejoined).participant.id).toBe(first.selfId);
        expect(room.host.participants.filter((p) => p.id === first.selfId)).toHaveLength(1);
        const got = nextEvent<MessageMeta>((l) => room.host.on(RaiseHand, (_v, m) => l(m)));
        second.send(RaiseHand, { raised: true });
        expect((await got).from).toBe(first.selfId);

        // Someone else cannot take that identity without its token.
        await expect(room.join('Mallory', { identity: { participantId: first.selfId, resumeToken: 'guess' }, reconnect: false })).rejects.toMatchObject({
          code: 'refused',
        });
      } finally {
        await room.cleanup();
      }
    });
  });
}
