import { describe, expect, it } from 'vitest';
import { ColorBook, formatBytes, initials, palette } from './format.ts';
import { ChatMessage, CursorMoved, FileChunk, FileOffer, SystemInfo } from './gen/support.ts';
import { chunkBytes } from './file-stream.ts';
import { createHostCredentials, formatInvite } from '@beckon/core';
import { inviteLink, readHash, signallingOptions, ticketFromHash } from './signalling.ts';
import { deviceId, earlierTabOf } from './same-device.ts';
import { collectSystemInfo, describeBrowser } from './system-info.ts';
import { maxFileBytes } from './transfers.ts';

describe('support schema', () => {
  it('puts cursors on the unreliable lane and the rest on the reliable one', () => {
    expect([CursorMoved.lane, CursorMoved.policy]).toEqual(['unreliable', 'member-to-everyone']);
    expect([ChatMessage.lane, SystemInfo.lane, FileChunk.lane]).toEqual(['reliable', 'reliable', 'reliable']);
    expect(FileChunk.policy).toBe('member-to-everyone');
  });

  it('lets a full chunk at the last offset of the largest file through the host, and the offer carry its size', () => {
    const encoded = FileChunk.encode({ id: 4_000_000_000, offset: maxFileBytes - chunkBytes, bytes: new Uint8Array(chunkBytes) });
    expect(encoded.length).toBeLessThanOrEqual(FileChunk.maxBytes);
    expect(FileOffer.decode(FileOffer.encode({ id: 1, name: 'big.bin', mime: '', size: maxFileBytes })).size).toBe(maxFileBytes);
  });
});

describe('signalling', () => {
  it('uses the page origin, with the default port when the URL has none', () => {
    expect(signallingOptions({ protocol: 'http:', hostname: '127.0.0.1', port: '9000' })).toEqual({ host: '127.0.0.1', port: 9000, path: '/peerjs', secure: false });
    expect(signallingOptions({ protocol: 'https:', hostname: 'help.example.com', port: '' })).toMatchObject({ port: 443, secure: true });
  });

  it('round-trips the host id through the invite link and rejects junk', () => {
    const link = inviteLink({ origin: 'http://127.0.0.1:9000', pathname: '/support/', search: '' }, 'abc-123_x');
    expect(link).toBe('http://127.0.0.1:9000/support/#room=abc-123_x');
    expect(ticketFromHash(new URL(link).hash)).toEqual({ host: 'abc-123_x' });
    expect(ticketFromHash('#room=<script>')).toBeUndefined();
    expect(ticketFromHash('')).toBeUndefined();
  });

  it('carries the room keys in a keyed invite link', async () => {
    const { invite } = await createHostCredentials('support-abc');
    const link = inviteLink({ origin: 'http://127.0.0.1:9000', pathname: '/support/', search: '' }, formatInvite(invite));
    const ticket = ticketFromHash(new URL(link).hash)!;
    expect(ticket.host).toBe('support-abc');
    expect(Array.from(ticket.invite!.hostKey)).toEqual(Array.from(invite.hostKey));
    // A truncated link is refused rather than joined without the keys.
    expect(ticketFromHash(new URL(link).hash.slice(0, -4))).toBeUndefined();
  });

  it('tells the agent page, a customer link and a damaged link apart', () => {
    expect(readHash('')).toEqual({ kind: 'agent' });
    expect(readHash('#other=1')).toEqual({ kind: 'agent' });
    expect(readHash('#room=abc-123')).toEqual({ kind: 'customer', ticket: { host: 'abc-123' } });
    // A damaged link must not quietly become a new agent session.
    for (const hash of ['#room=', '#room=<script>', '#room=abc.de']) expect(readHash(hash)).toEqual({ kind: 'broken' });
  });
});

describe('system information', () => {
  it('names browsers whose user agents claim to be others', () => {
    const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
    expect(describeBrowser(chrome)).toBe('Chrome 156');
    expect(describeBrowser(`${chrome} Edg/155.0.0.0`)).toBe('Edge 155');
    expect(describeBrowser('Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0')).toBe('Firefox 140');
    expect(describeBrowser('Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15')).toBe('Safari 18');
  });

  it('collects what the navigator says, with zeros where it is silent', () => {
    const info = collectSystemInfo({ userAgent: 'x', language: 'de-CH', hardwareConcurrency: 8, platform: 'Linux x86_64' }, { width: 1920, height: 1080 }, 2, 'Europe/Zurich');
    expect(info).toMatchObject({ browser: 'Unknown browser', platform: 'Linux x86_64', language: 'de-CH', cores: 8, screenWidth: 1920, memoryGib: 0 });
  });
});

describe('formatting', () => {
  it('formats sizes and initials', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(1_500_000), formatBytes(40 * 1024 ** 2)]).toEqual(['512 B', '1.5 KiB', '1.4 MiB', '40 MiB']);
    expect([initials('Ada Lovelace'), initials('cher'), initials('  ')]).toEqual(['AL', 'CH', '?']);
  });

  it('gives everyone the same colour for the same participant, in join order, and keeps it until they leave', () => {
    const host = { id: 'h', joinedAt: 1 };
    const a = { id: 'a', joinedAt: 2 };
    const b = { id: 'b', joinedAt: 3 };
    const one = new ColorBook();
    const two = new ColorBook();
    one.sync([b, host, a]);
    two.sync([host, a]);
    two.sync([host, a, b]);
    expect(['h', 'a', 'b'].map((id) => one.get(id))).toEqual(palette.slice(0, 3));
    expect(['h', 'a', 'b'].map((id) => two.get(id))).toEqual(palette.slice(0, 3));
    one.sync([host, b]);
    expect(one.get('b')).toBe(palette[2]);
  });
});

describe('tabs of one browser', () => {
  it('keeps one device id per browser and names the earlier tab', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (key: string) => store.get(key) ?? null, setItem: (key: string, value: string) => void store.set(key, value) };
    expect(deviceId(storage, () => 'one')).toBe('one');
    expect(deviceId(storage, () => 'two')).toBe('one');
    const person = (id: string, joinedAt: number, device?: string) => ({ id, name: id, role: 'member' as const, joinedAt, metadata: device ? { device } : {} });
    const people = [person('a', 1, 'd1'), person('b', 2, 'd1'), person('c', 3, 'd2'), person('d', 4)];
    expect(earlierTabOf(people[1]!, people)?.id).toBe('a');
    expect(earlierTabOf(people[0]!, people)).toBeUndefined();
    expect(earlierTabOf(people[2]!, people)).toBeUndefined();
    expect(earlierTabOf(people[3]!, people)).toBeUndefined();
  });
});
