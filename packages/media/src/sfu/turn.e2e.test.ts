// Two Chromium pages that can reach each other only through a coturn relay: three network namespaces (peer A,
// relay host, peer B), no forwarding on the relay host, `iceTransportPolicy: 'relay'`, and credentials that
// `beckon serve --turn` signs with coturn's REST-API secret (no static password in the page). The lanes and a
// video call both work.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../../../scripts/chromium.ts';
import { createTurnNetwork } from '../../../../scripts/turn-netns.ts';
import type { TurnNetwork } from '../../../../scripts/turn-netns.ts';
import { startLabServer } from './fixtures/lab-server.ts';
import type { LabServer } from './fixtures/lab-server.ts';

/** The selected ICE pair of a page's first media call: which candidate types carry it. */
async function selectedPair(page: Page, participantId: string): Promise<{ local: string; remote: string }> {
  return page.evaluate(async (id) => {
    const pc = window.__sfuLab!.media.remotes.get(id)?.call.peerConnection;
    if (!pc) return { local: '', remote: '' };
    const report = await pc.getStats();
    const byId = new Map<string, { candidateType?: string }>();
    let pair: { localCandidateId?: string; remoteCandidateId?: string } | undefined;
    report.forEach((entry: { type?: string; id: string; state?: string; nominated?: boolean; candidateType?: string; localCandidateId?: string; remoteCandidateId?: string }) => {
      byId.set(entry.id, entry);
      if (entry.type === 'candidate-pair' && entry.state === 'succeeded' && entry.nominated) pair = entry;
    });
    return { local: byId.get(pair?.localCandidateId ?? '')?.candidateType ?? '', remote: byId.get(pair?.remoteCandidateId ?? '')?.candidateType ?? '' };
  }, participantId);
}

describe('lanes and video through a TURN relay only', () => {
  let net: TurnNetwork;
  let lab: LabServer;
  let coturn: ChildProcess;
  const browsers: Browser[] = [];
  const secret = randomBytes(24).toString('base64url');

  beforeAll(async () => {
    net = await createTurnNetwork();
    coturn = spawn('turnserver', [
      '-n', '--no-cli', '--no-tls', '--no-dtls', '--fingerprint', '--log-file=stdout', '--simple-log',
      `--listening-ip=${net.a.relayAddress}`, `--listening-ip=${net.b.relayAddress}`,
      `--relay-ip=${net.a.relayAddress}`, '--listening-port=3478', '--min-port=49160', '--max-port=49260',
      '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm=beckon.test',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    coturn.stdout?.resume();
    coturn.stderr?.resume();
    lab = await startLabServer({ host: '0.0.0.0', turn: ['turn:{host}:3478?transport=udp'], turnSecret: secret });
    // The pages are on plain http at private addresses: let them use the (fake) camera as on localhost.
    const origins = [net.a, net.b].map((side) => `http://${side.relayAddress}:${lab.server.port}`).join(',');
    for (const side of [net.a, net.b]) {
      browsers.push(await chromium.launch({ executablePath: side.wrap(chromiumPath), args: [...chromiumArgs, `--unsafely-treat-insecure-origin-as-secure=${origins}`] }));
    }
  }, 60_000);

  afterAll(async () => {
    for (const browser of browsers) await browser.close().catch(() => {});
    await lab?.close();
    coturn?.kill('SIGTERM');
    net?.close();
  });

  it('the two peers have no route to each other, yet join, exchange lane messages and video via coturn', async () => {
    // The network is what it claims: A reaches the relay host, not B.
    expect(net.a.run('ip', ['route', 'get', net.a.relayAddress])).toBe(0);
    expect(net.a.run('ip', ['route', 'get', net.b.address])).not.toBe(0);
    expect(net.b.run('ip', ['route', 'get', net.a.address])).not.toBe(0);

    // Credentials from the server: short-lived REST-API ones, for the TURN address this page can reach.
    const port = lab.server.port;
    const turn = (await (await fetch(`http://${net.a.relayAddress}:${port}/turn`)).json()) as { ttlSeconds: number; iceServers: { urls: string[]; username: string; credential: string }[] };
    expect(turn.iceServers[0]!.urls).toEqual([`turn:${net.a.relayAddress}:3478?transport=udp`]);
    const expiry = Number(turn.iceServers[0]!.username.split(':')[0]);
    expect(expiry - Date.now() / 1000).toBeGreaterThan(turn.ttlSeconds - 60);
    expect(expiry - Date.now() / 1000).toBeLessThanOrEqual(turn.ttlSeconds);

    const errors: string[] = [];
    const open = async (browser: Browser, url: string): Promise<Page> => {
      const page = await (await browser.newContext()).newPage();
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(url);
      await page.locator('#state[data-ready]').waitFor({ timeout: 30_000 });
      return page;
    };
    const teacher = await open(browsers[0]!, `http://${net.a.relayAddress}:${port}/lab/?name=Teacher&turn=1`);
    const hostPeer = await teacher.evaluate(() => window.__sfuLab!.transport.localId);
    const student = await open(browsers[1]!, `http://${net.b.relayAddress}:${port}/lab/?name=Ada&turn=1&room=${hostPeer}`);
    const teacherId = await teacher.evaluate(() => window.__sfuLab!.room.selfId);
    const studentId = await student.evaluate(() => window.__sfuLab!.room.selfId);

    // Lanes: the student is in the room; the host's roster (reliable lane, host → member) reached it, and the
    // student's media status (member → host) reached the host.
    expect(await student.evaluate(() => window.__sfuLab!.room.state)).toBe('open');
    await expect.poll(() => student.evaluate(() => window.__sfuLab!.media.roster?.peers.size ?? 0), { timeout: 15_000 }).toBe(2);
    await expect.poll(() => teacher.evaluate((id) => window.__sfuLab!.media.roster?.peers.get(id)?.hasCamera ?? false, studentId), { timeout: 15_000 }).toBe(true);

    // Video: the teacher's frames decode on the student's page, over a relayed pair on both ends.
    await expect.poll(() => student.evaluate((id) => window.__sfuLab!.media.receiveStats(id).then((stats) => stats?.framesDecoded ?? 0), teacherId), { timeout: 30_000 }).toBeGreaterThan(10);
    expect(await selectedPair(student, teacherId)).toEqual({ local: 'relay', remote: 'relay' });
    expect(errors).toEqual([]);
  }, 90_000);
});
