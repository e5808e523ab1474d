import { describe, expect, it } from 'vitest';
import type { BeckonError } from './errors.ts';
import { LoopbackNetwork } from './loopback.ts';
import type { LoopbackTransport } from './loopback.ts';
import { HostRoom, hostRoom, joinRoom } from './room/index.ts';
import type { MemberRoom } from './room/index.ts';
import { Announcement, Chat, hostTypes, RaiseHand } from './test-utils/test-schema.ts';
import { nextEvent, waitFor } from './test-utils/wait.ts';
import { createHostCredentials, exportHostCredentials, formatInvite, importHostCredentials, parseInvite } from './trust.ts';

const fast = { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 500 };

describe('invites and host keys', () => {
  it('round-trips an invite through its URL form, and rejects tampered ones', async () => {
    const { invite } = await createHostCredentials('room-1');
    const text = formatInvite(invite);
    expect(text).toMatch(/^room-1\.[\w-]+\.[\w-]+$/);
    const parsed = parseInvite(text)!;
    expect(parsed.host).toBe('room-1');
    expect(Array.from(parsed.secret)).toEqual(Array.from(invite.secret));
    expect(Array.from(parsed.hostKey)).toEqual(Array.from(invite.hostKey));
    expect(parseInvite(text.slice(0, -3))).toBeUndefined();
    expect(parseInvite('garbage')).toBeUndefined();
  });

  it('admits members holding the invite and refuses those without it', async () => {
    const network = new LoopbackNetwork();
    const credentials = await createHostCredentials('room-2');
    const host = hostRoom({ transport: network.transport('room-2'), types: hostTypes, credentials });
    try {
      const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-2', name: 'Ada', invite: credentials.invite });
      expect(ada.state).toBe('open');
      const refusals = nextEvent<BeckonError>((l) => host.on('error', l), (e) => e.code === 'refused');
      await expect(joinRoom({ transport: network.transport('eve'), hostId: 'room-2', name: 'Eve', reconnect: false })).rejects.toMatchObject({
        code: 'refused',
        message: expect.stringMatching(/invite/),
      });
      expect((await refusals).peer).toBe('eve');
      const wrong = await createHostCredentials('room-2');
      await expect(
        joinRoom({ transport: network.transport('mallory'), hostId: 'room-2', name: 'Mallory', invite: wrong.invite, reconnect: false }),
      ).rejects.toMatchObject({ code: 'refused' });
      expect(host.participants.map((p) => p.name).sort()).toEqual(['Ada', 'Host']);
    } finally {
      await host.close();
    }
  });

  it('refuses a peer that took the host id first, with a clear error', async () => {
    const network = new LoopbackNetwork();
    const credentials = await createHostCredentials('room-3');
    // The impostor has the id but not the key; it accepts anyone.
    const impostor = hostRoom({ transport: network.transport('room-3'), types: hostTypes });
    let impostorSawChat = false;
    impostor.on(Chat, () => (impostorSawChat = true));
    try {
      const attempt = joinRoom({ transport: network.transport('ada'), hostId: 'room-3', name: 'Ada', invite: credentials.invite, reconnect: false });
      await expect(attempt).rejects.toMatchObject({ code: 'refused', message: expect.stringMatching(/not the host of this room/) });
      expect(impostorSawChat).toBe(false);
    } finally {
      await impostor.close();
    }
  });

  it('keeps its room across a host restart with stored credentials; members come back on their own', async () => {
    const network = new LoopbackNetwork();
    const credentials = await createHostCredentials('room-4');
    const stored = await exportHostCredentials(credentials);
    let host = hostRoom({ transport: network.transport('room-4'), types: hostTypes, credentials, session: fast });
    const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-4', name: 'Ada', invite: credentials.invite, session: fast });
    await host.close();
    await waitFor(() => ada.state === 'reconnecting', 3000, 'member to notice');
    host = hostRoom({ transport: network.transport('room-4'), types: hostTypes, credentials: await importHostCredentials(stored), session: fast });
    try {
      await waitFor(() => ada.state === 'open', 8000, 'member to reconnect');
      const got = nextEvent<string>((l) => host.on(RaiseHand, (_v, m) => l(m.from)));
      ada.send(RaiseHand, { raised: true });
      expect(await got).toBe(ada.selfId);
    } finally {
      await ada.leave();
      await host.close();
    }
  });
});

describe('identities across a host restart', () => {
  it('still refuses a peer claiming a known participant id after the host restarts', async () => {
    const network = new LoopbackNetwork();
    const credentials = await createHostCredentials('room-6');
    let host = hostRoom({ transport: network.transport('room-6'), types: hostTypes, credentials, session: fast });
    const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-6', name: 'Ada', invite: credentials.invite, session: fast });
    const saved = JSON.parse(JSON.stringify(host.identities()));
    expect(saved).toEqual([{ participant: expect.objectContaining({ id: ada.selfId, name: 'Ada' }), token: ada.identity.resumeToken }]);
    await host.close();
    host = hostRoom({ transport: network.transport('room-6'), types: hostTypes, credentials, identities: saved, session: fast });
    try {
      // Mallory holds the invite and knows Ada's id (it is shown in the participant list), not her token.
      await expect(
        joinRoom({
          transport: network.transport('mallory'),
          hostId: 'room-6',
          name: 'Mallory',
          invite: credentials.invite,
          identity: { participantId: ada.selfId, resumeToken: 'guessed' },
          reconnect: false,
        }),
      ).rejects.toMatchObject({ code: 'refused' });
      await waitFor(() => ada.state === 'open', 8000, 'Ada to come back');
      expect(host.participants.find((p) => p.id === ada.selfId)?.name).toBe('Ada');
    } finally {
      await ada.leave();
      await host.close();
    }
  });
});

describe('nothing lost across a dropped connection', () => {
  async function setup(adaSession = fast): Promise<{ host: HostRoom; ada: MemberRoom; bea: MemberRoom; network: LoopbackNetwork }> {
    const network = new LoopbackNetwork();
    const host = hostRoom({ transport: network.transport('room-5'), types: hostTypes, session: fast });
    const ada = await joinRoom({ transport: network.transport('ada'), hostId: 'room-5', name: 'Ada', session: adaSession });
    const bea = await joinRoom({ transport: network.transport('bea'), hostId: 'room-5', name: 'Bea', session: fast });
    return { host, ada, bea, network };
  }

  it('delivers what a member sent while reconnecting, exactly once and in order', async () => {
    const { host, ada, bea } = await setup();
    try {
      const received: string[] = [];
      host.on(Chat, (chat) => received.push(chat.text));
      const beaReceived: string[] = [];
      bea.on(Chat, (chat) => beaReceived.push(chat.text));
      ada.send(Chat, { text: 'before' });
      await waitFor(() => received.length === 1, 2000, 'first message');
      for (const link of (ada.transport as LoopbackTransport).links) link.vanish();
      await waitFor(() => ada.state === 'reconnecting', 3000, 'member to notice the drop');
      const deliveries = ['during 1', 'during 2', 'during 3'].map((text) => ada.send(Chat, { text }));
      await waitFor(() => ada.state === 'open', 8000, 'reconnect');
      const results = await Promise.all(deliveries.map((d) => d.settled));
      expect(results.every((r) => r.ok)).toBe(true);
      ada.send(Chat, { text: 'after' });
      await waitFor(() => received.length === 5 && beaReceived.length === 5, 3000, 'all messages');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(received).toEqual(['before', 'during 1', 'during 2', 'during 3', 'after']);
      expect(beaReceived).toEqual(['before', 'during 1', 'during 2', 'during 3', 'after']);
    } finally {
      await ada.leave();
      await bea.leave();
      await host.close();
    }
  });

  it('redelivers host events a member missed while its link was down, exactly once and in order', async () => {
    // Ada notices the dead link well after the host does, so the host has surely dropped her before she comes back
    // (with equal timeouts her reconnect could beat the host's timeout, and the host would never see her gone).
    const { host, ada, bea } = await setup({ heartbeatIntervalMs: 100, heartbeatTimeoutMs: 2000 });
    try {
      const seen: string[] = [];
      ada.on(Announcement, (a) => seen.push(a.text));
      host.send(Announcement, { text: 'one' });
      await waitFor(() => seen.length === 1, 2000, 'first event');
      for (const link of (ada.transport as LoopbackTransport).links) link.vanish();
      // Sent into the void: the host does not know yet that the link is dead.
      host.send(Announcement, { text: 'two' });
      await waitFor(() => host.participants.length === 2, 3000, 'host to notice');
      host.send(Announcement, { text: 'three' });
      await waitFor(() => ada.state === 'open' && seen.length === 3, 8000, 'reconnect and catch up');
      host.send(Announcement, { text: 'four' });
      await waitFor(() => seen.length === 4, 2000, 'live again');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seen).toEqual(['one', 'two', 'three', 'four']);
      void bea;
    } finally {
      await ada.leave();
      await bea.leave();
      await host.close();
    }
  });
});
