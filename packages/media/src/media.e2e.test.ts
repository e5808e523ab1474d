// Chromium pages with the fake camera run the media lab demo (demos/media-lab) against a real `beckon serve`:
// the teacher's stream reaches every member, a member goes on stage through the host and comes off it, the
// mesh carries every player's tile, and the video really plays (frames decoded, from getStats).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@beckon/cli';
import type { RunningServer } from '@beckon/cli';
import { chromium } from 'playwright';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../../scripts/chromium.ts';

const demoDir = fileURLToPath(new URL('../../../demos/media-lab/', import.meta.url));
// Set to a directory to save screenshots (docs/screenshots in the repository).
const screenshotDir = process.env['BECKON_SCREENSHOTS'];


interface Stats {
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
}

function framesFrom(page: Page, participantId: string): Promise<number> {
  return page.evaluate(async (id) => (await window.__mediaLab!.media.receiveStats(id))?.framesDecoded ?? 0, participantId);
}

function statsFrom(page: Page, participantId: string): Promise<Stats | undefined> {
  return page.evaluate((id) => window.__mediaLab!.media.receiveStats(id), participantId);
}

/** The tile's <video> is playing real frames: a decoded size and a clock that moves. */
async function tilePlays(page: Page, participantId: string): Promise<boolean> {
  return page.evaluate(async (id) => {
    const grid = document.querySelector('beckon-video-grid')!;
    const video = grid.shadowRoot!.querySelector<HTMLVideoElement>(`.tile[data-participant="${id}"] video`);
    if (!video || video.hidden || video.videoWidth === 0) return false;
    const before = video.currentTime;
    await new Promise((resolve) => setTimeout(resolve, 250));
    return !video.paused && video.currentTime > before;
  }, participantId);
}

function tileIds(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelector('beckon-video-grid')!.shadowRoot!.querySelectorAll<HTMLElement>('.tile')].map((tile) => tile.dataset['participant']!),
  );
}

/** axe-core's violations inside the media elements (their shadow roots included). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; help: string }[] }> } }).axe;
    const result = await axe.run({ include: [['beckon-video-grid'], ['beckon-media-controls']] }, { resultTypes: ['violations'] });
    return result.violations.map((violation) => `${violation.id}: ${violation.help}`);
  });
}

const selfId = (page: Page): Promise<string> => page.evaluate(() => window.__mediaLab!.room.selfId);

describe('room media in Chromium with the fake camera', () => {
  let server: RunningServer;
  let browser: Browser;
  let distDir: string | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // A fresh build in a directory of its own: a stale dist would test old code.
    distDir = mkdtempSync(path.join(tmpdir(), 'beckon-media-lab-'));
    const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
    const built = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', distDir, '--emptyOutDir'], { cwd: demoDir, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`vite build failed:\n${built.stdout}\n${built.stderr}`);
    [server, browser] = await Promise.all([
      startServer({ statics: [`/media-lab=${distDir}`] }),
      chromium.launch({ executablePath: chromiumPath, args: chromiumArgs }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (distDir !== undefined) rmSync(distDir, { recursive: true, force: true });
  });

  async function open(name: string, errors: string[], init?: () => void): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    contexts.push(context);
    if (init) await context.addInitScript(init);
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
    return page;
  }

  async function host(errors: string[], mode: 'stage' | 'mesh'): Promise<{ page: Page; link: string }> {
    const page = await open('host', errors);
    await page.goto(`${server.url}/media-lab/${mode === 'mesh' ? '?mode=mesh' : ''}`);
    const invite = page.locator('#invite-link');
    await expect.poll(() => invite.inputValue(), { timeout: 10_000 }).toMatch(/#room=[\w-]+$/);
    return { page, link: await invite.inputValue() };
  }

  async function member(link: string, name: string, errors: string[], init?: () => void): Promise<Page> {
    const page = await open(name, errors, init);
    await page.goto(link);
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Join' }).click();
    await page.locator('#workspace').waitFor({ state: 'visible', timeout: 15_000 });
    return page;
  }

  it('teacher to everyone, a member on stage through the host, mute state, a dropped call, a reload, the stage ended', async () => {
    const errors: string[] = [];
    const { page: teacher, link } = await host(errors, 'stage');
    const [ada, bo, cy] = await Promise.all([
      member(link, 'Ada', errors),
      member(link, 'Bo', errors),
      // Cy denies the camera and microphone: in the room with data only, told why, still sees the teacher.
      member(link, 'Cy', errors, () => {
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
      }),
    ]);
    const teacherId = await selfId(teacher);
    const adaId = await selfId(ada);

    // The teacher's stream plays on every member's page: frames decoded at 640×480, and the tile's clock moves.
    for (const page of [ada, bo, cy]) {
      await expect.poll(() => framesFrom(page, teacherId), { timeout: 10_000 }).toBeGreaterThan(10);
      await expect.poll(() => tilePlays(page, teacherId), { timeout: 5000 }).toBe(true);
    }
    // The encoder starts small while the bandwidth estimate ramps up, then sends the camera's 640×480.
    await expect.poll(() => statsFrom(bo, teacherId), { timeout: 15_000 }).toMatchObject({ frameWidth: 640, frameHeight: 480 });
    expect(await bo.getByRole('group', { name: /^Teacher: host, microphone on$/ }).count()).toBe(1);
    await expect.poll(() => cy.locator('beckon-media-controls').getByRole('status').textContent()).toMatch(/Permission to use the camera or microphone was denied\. You are in the room with data only/);
    expect(await cy.getByRole('button', { name: 'Camera' }).isDisabled()).toBe(true);

    // Nobody but the teacher publishes: a member cannot put itself on stage by accepting an invite it never had.
    await ada.evaluate(() => window.__mediaLab!.media.answerInvite(true));
    await expect.poll(() => teacher.locator('#activity').textContent(), { timeout: 5000 }).toContain('accepted a stage invite it never had');
    expect(await tileIds(bo)).toEqual([teacherId]);

    // The teacher invites Ada; Ada accepts; everyone, teacher included, plays Ada's stream.
    await teacher.getByRole('button', { name: 'Invite Ada on stage' }).click();
    await ada.getByRole('group', { name: 'Stage invite' }).waitFor({ timeout: 5000 });
    await ada.getByRole('button', { name: 'Join stage' }).click();
    for (const page of [teacher, bo, cy]) {
      await expect.poll(() => framesFrom(page, adaId), { timeout: 10_000 }).toBeGreaterThan(10);
    }
    await expect.poll(() => tilePlays(bo, adaId), { timeout: 5000 }).toBe(true);
    expect(await tileIds(bo)).toEqual([teacherId, adaId]);

    // Ada mutes her microphone: everyone's tile for her says so.
    await ada.getByRole('button', { name: 'Microphone' }).click();
    expect(await ada.getByRole('button', { name: 'Microphone' }).getAttribute('aria-pressed')).toBe('false');
    for (const page of [teacher, bo]) {
      await page.getByRole('group', { name: 'Ada: on stage, microphone muted' }).waitFor({ timeout: 5000 });
    }
    expect(await bo.locator(`beckon-video-grid .tile[data-participant="${adaId}"] [part="muted"]`).isVisible()).toBe(true);

    // The elements pass axe on the teacher's page (stage list), a member's, and the one without devices.
    for (const page of [teacher, bo, cy]) expect(await axeViolations(page)).toEqual([]);

    if (screenshotDir !== undefined) {
      mkdirSync(screenshotDir, { recursive: true });
      await bo.screenshot({ path: path.join(screenshotDir, 'video-grid.png') });
      await teacher.screenshot({ path: path.join(screenshotDir, 'video-grid-host.png') });
      await cy.screenshot({ path: path.join(screenshotDir, 'video-grid-no-camera.png') });
    }

    // A dropped media call leaves the data lanes alone: Bo hangs up on Ada's call; pings still go round on both
    // lanes, Ada's unmute still arrives over the reliable lane, and Ada calls again.
    const before = await bo.evaluate((id) => {
      const call = window.__mediaLab!.media.remotes.get(id)!.call;
      (window as unknown as { __dropped: RTCPeerConnection }).__dropped = call.peerConnection!;
      call.close();
      return call.peerConnection?.connectionState ?? 'closed';
    }, adaId);
    expect(before).toBe('closed');
    const pings = await bo.evaluate(async () => ({
      reliable: await window.__mediaLab!.ping(20, 10, 'reliable'),
      unreliable: await window.__mediaLab!.ping(20, 10, 'unreliable'),
    }));
    expect(pings.reliable).toHaveLength(20);
    expect(pings.unreliable.length).toBeGreaterThanOrEqual(18);
    expect(await bo.evaluate(() => window.__mediaLab!.room.state)).toBe('open');
    await ada.getByRole('button', { name: 'Microphone' }).click();
    await bo.getByRole('group', { name: 'Ada: on stage, microphone on' }).waitFor({ timeout: 5000 });
    await expect.poll(() => framesFrom(bo, adaId), { timeout: 10_000 }).toBeGreaterThan(10);

    // Ada reloads: she comes back as herself, still on stage, sees the teacher, and everyone sees her again.
    await ada.reload();
    await ada.locator('#workspace').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await selfId(ada)).toBe(adaId);
    await expect.poll(() => framesFrom(ada, teacherId), { timeout: 10_000 }).toBeGreaterThan(10);
    for (const page of [teacher, bo]) {
      await expect.poll(() => framesFrom(page, adaId), { timeout: 15_000 }).toBeGreaterThan(10);
    }

    // The teacher ends Ada's stage: her stream stops on every page (the calls are closed), the teacher's plays on.
    const pcs = await Promise.all(
      [teacher, bo, cy].map((page) =>
        page.evaluate((id) => {
          (window as unknown as { __adaPc: RTCPeerConnection }).__adaPc = window.__mediaLab!.media.remotes.get(id)!.call.peerConnection!;
        }, adaId),
      ),
    );
    expect(pcs).toHaveLength(3);
    await teacher.getByRole('button', { name: 'End stage for Ada' }).click();
    for (const page of [teacher, bo, cy]) {
      await expect.poll(() => page.evaluate((id) => window.__mediaLab!.media.remotes.has(id), adaId), { timeout: 5000 }).toBe(false);
      await expect.poll(() => page.evaluate(() => (window as unknown as { __adaPc: RTCPeerConnection }).__adaPc.connectionState), { timeout: 5000 }).toBe('closed');
    }
    expect(await tileIds(bo)).toEqual([teacherId]);
    expect(await ada.evaluate(() => window.__mediaLab!.media.onStage)).toBe(false);
    const framesNow = await framesFrom(bo, teacherId);
    await expect.poll(() => framesFrom(bo, teacherId), { timeout: 5000 }).toBeGreaterThan(framesNow + 5);
    expect(errors).toEqual([]);
  }, 80_000);

  it('mesh: every player sees every other player’s tile', async () => {
    const errors: string[] = [];
    const { page: hostPage, link } = await host(errors, 'mesh');
    const players = [hostPage, ...(await Promise.all([member(link, 'Dee', errors), member(link, 'Eli', errors)]))];
    const ids = await Promise.all(players.map(selfId));
    for (const [index, page] of players.entries()) {
      for (const id of ids) {
        if (id === ids[index]) continue;
        await expect.poll(() => framesFrom(page, id), { timeout: 10_000 }).toBeGreaterThan(10);
      }
      await expect.poll(() => tileIds(page).then((tiles) => [...tiles].sort())).toEqual([...ids].sort());
    }
    await expect.poll(() => tilePlays(players[1]!, ids[2]!), { timeout: 5000 }).toBe(true);
    // Camera off shows on the others' tiles.
    await players[2]!.getByRole('button', { name: 'Camera' }).click();
    await players[1]!.getByRole('group', { name: 'Eli: microphone on, camera off' }).waitFor({ timeout: 5000 });
    if (screenshotDir !== undefined) await players[1]!.screenshot({ path: path.join(screenshotDir, 'video-mesh.png') });
    expect(errors).toEqual([]);
  }, 40_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
  });
});
