// `beckon serve --sfu` against the real Janus from Debian: it starts one with a generated, locked-down
// configuration, hands rooms only to whoever asks this server, reports it in /health and stops it with itself.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ensureTestInterface } from '../../../../scripts/netns-veth.ts';
import { startServer } from './server.ts';
import type { RunningServer } from './server.ts';
import { parseServeArgs } from './options.ts';
import { janusExchange } from './sfu/janus-api.ts';

interface Health {
  sfu: { kind: string; url: string; state: string; pid: number; restarts: number } | null;
}

async function videoroom(url: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  let data: Record<string, unknown> = {};
  await janusExchange(url, async (call) => {
    const session = (await call({ janus: 'create' }))['data'] as { id: number };
    const handle = (await call({ janus: 'attach', session_id: session.id, plugin: 'janus.plugin.videoroom' }))['data'] as { id: number };
    const answer = await call({ janus: 'message', session_id: session.id, handle_id: handle.id, body });
    data = ((answer['plugindata'] as { data?: Record<string, unknown> } | undefined)?.data) ?? answer;
  });
  return data;
}

describe('beckon serve --sfu', () => {
  let server: RunningServer;

  beforeAll(async () => {
    const iface = ensureTestInterface();
    server = await startServer({ sfu: ['--sfu-port', '0', '--sfu-rtp-ports', '21000-21099', ...(iface ? ['--sfu-ice', iface.name] : [])] });
  }, 40_000);

  afterAll(async () => {
    await server?.close();
  });

  it('starts a supervised Janus, reports it in /health, and only its own rooms exist, each locked', async () => {
    expect(server.sfuUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const health = (await (await fetch(`${server.url}/health`)).json()) as Health;
    expect(health.sfu).toMatchObject({ kind: 'local', url: server.sfuUrl, state: 'running', restarts: 0 });
    const url = server.sfuUrl!;

    // The stranger who knows the Janus URL: no rooms to see, none to create, and ours can be neither joined nor watched.
    expect(await videoroom(url, { request: 'list' })).toMatchObject({ list: [] });
    expect(await videoroom(url, { request: 'create', room: 99 })).toMatchObject({ error_code: 429 });
    expect(await videoroom(url, { request: 'create', room: 99, admin_key: 'guess' })).toMatchObject({ error_code: 433 });
    const grant = (await (await fetch(`${server.url}/sfu/rooms`, { method: 'POST' })).json()) as { room: number; pin: string; token: string; secret: string; url: string };
    expect(grant.url).toBe(url);
    expect(await videoroom(url, { request: 'list' })).toMatchObject({ list: [] });
    expect(await videoroom(url, { request: 'join', ptype: 'publisher', room: grant.room })).toMatchObject({ error_code: 429 });
    expect(await videoroom(url, { request: 'join', ptype: 'publisher', room: grant.room, pin: 'guess', token: grant.token })).toMatchObject({ error_code: 433 });
    expect(await videoroom(url, { request: 'join', ptype: 'subscriber', room: grant.room, pin: 'guess', streams: [{ feed: 1 }] })).toMatchObject({ error_code: 433 });
    // A member with the pin but no publisher token cannot publish; the host's token can.
    expect(await videoroom(url, { request: 'join', ptype: 'publisher', room: grant.room, pin: grant.pin })).toMatchObject({ error_code: 433 });
    expect(await videoroom(url, { request: 'join', ptype: 'publisher', room: grant.room, pin: grant.pin, token: grant.token })).toMatchObject({ videoroom: 'joined' });
    // Nothing but the VideoRoom plugin is loaded.
    expect(await new Promise((resolve) => {
      void janusExchange(url, async (call) => {
        const session = (await call({ janus: 'create' }))['data'] as { id: number };
        resolve(((await call({ janus: 'attach', session_id: session.id, plugin: 'janus.plugin.echotest' }))['error'] as { code: number }).code);
      });
    })).toBe(460);
  });

  it('restarts a Janus that died, and stops it with the server', async () => {
    const before = ((await (await fetch(`${server.url}/health`)).json()) as Health).sfu!;
    process.kill(before.pid, 'SIGKILL');
    await expect.poll(async () => ((await (await fetch(`${server.url}/health`)).json()) as Health).sfu, { timeout: 15_000 })
      .toMatchObject({ state: 'running', restarts: 1 });
    const after = ((await (await fetch(`${server.url}/health`)).json()) as Health).sfu!;
    expect(after.pid).not.toBe(before.pid);
    await server.close();
    expect(() => process.kill(after.pid, 0)).toThrow();
    const refused = await new Promise<boolean>((resolve) => {
      const socket = new WebSocket(after.url, 'janus-protocol');
      socket.once('error', () => resolve(true));
      socket.once('open', () => resolve(false));
    });
    expect(refused).toBe(true);
  }, 30_000);
});

describe('beckon serve --sfu without Janus, and its flags', () => {
  it('says how to install Janus when there is none', () => {
    const bin = new URL('../../bin/beckon-dev.js', import.meta.url).pathname;
    const run = spawnSync(process.execPath, ['--conditions=source', bin, 'serve', '--port', '0', '--sfu', '--sfu-janus', '/nonexistent/janus'], { encoding: 'utf8', timeout: 15_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Janus WebRTC Server is not installed');
    expect(run.stderr).toContain('apt-get install -y janus');
  });

  it('parses the SFU and TURN flags, and refuses the inconsistent ones', () => {
    const parsed = parseServeArgs(['--sfu', '--sfu-ice', 'eth0,10.0.', '--sfu-rtp-ports', '30000-30100']);
    expect(parsed.ok && parsed.options.sfu).toMatchObject({ kind: 'local', iceInterfaces: ['eth0', '10.0.'], rtpPorts: [30000, 30100], wsHost: '127.0.0.1' });
    expect(parseServeArgs(['--sfu', '--sfu-url', 'ws://x'])).toMatchObject({ ok: false });
    expect(parseServeArgs(['--sfu-url', 'ws://x'])).toMatchObject({ ok: false, error: expect.stringContaining('admin') });
    expect(parseServeArgs(['--turn', 'turn:{host}:3478'])).toMatchObject({ ok: false, error: expect.stringContaining('secret') });
    expect(parseServeArgs(['--turn', 'http://x'])).toMatchObject({ ok: false });
    expect(parseServeArgs(['--sfu-rtp-ports', '10-20'])).toMatchObject({ ok: false });
  });

  it('signs TURN credentials as coturn checks them, for the host the page used', async () => {
    const { createHmac } = await import('node:crypto');
    const { turnCredentials, turnUrlsFor } = await import('./sfu/turn.ts');
    const now = Date.UTC(2026, 0, 1);
    const server = turnCredentials('s3cret', ['turn:a:3478'], 600, 'beckon', now);
    expect(server.username).toBe(`${now / 1000 + 600}:beckon`);
    expect(server.credential).toBe(createHmac('sha1', 's3cret').update(server.username).digest('base64'));
    expect(turnUrlsFor(['turn:{host}:3478?transport=udp'], '10.0.0.1:9000')).toEqual(['turn:10.0.0.1:3478?transport=udp']);
    expect(turnUrlsFor(['turn:{host}:3478'], '[::1]:9000')).toEqual(['turn:[::1]:3478']);
    // A hostile Host header does not end up in the URL.
    expect(turnUrlsFor(['turn:{host}:3478'], 'evil/<x>')).toEqual(['turn:127.0.0.1:3478']);
  });

  it('writes a configuration with the admin API off, websockets on the given address, and nothing else loaded', async () => {
    const { janusConfigFiles } = await import('./sfu/janus-config.ts');
    const files = janusConfigFiles({ wsHost: '127.0.0.1', wsPort: 8188, iceInterfaces: ['vb0'], rtpPorts: [20000, 20999], adminKey: 'k', libDir: '/usr/lib/x86_64-linux-gnu/janus', configDir: '/tmp/x', debugLevel: 3 });
    expect(files['janus.transport.websockets.jcfg']).toMatch(/admin_ws = false/);
    expect(files['janus.transport.websockets.jcfg']).toMatch(/ws_ip = "127\.0\.0\.1"/);
    expect(files['janus.jcfg']).toMatch(/rtp_port_range = "20000-20999"/);
    expect(files['janus.jcfg']).toMatch(/ice_enforce_list = "vb0"/);
    expect(files['janus.jcfg']).not.toMatch(/admin_secret/);
    expect(files['janus.plugin.videoroom.jcfg']).not.toMatch(/room-/);
    if (readFileSync('/proc/self/status', 'utf8') !== '') expect(files['janus.jcfg']).toMatch(/disable = "[^"]*libjanus_http\.so/);
  });
});
