// A teacher and three students in Chromium (fake camera) through a real Janus started by `beckon serve --sfu`:
// the teacher's frames decode on every student page, a student on stage reaches everyone, nobody the host did
// not allow can publish or watch (the attacks go straight at Janus with what each one knows), ending a stage
// unpublishes on the server, and a narrower tile gets the smaller simulcast layer.
import { chromium } from 'playwright';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../../../scripts/chromium.ts';
import { ensureTestInterface } from '../../../../scripts/netns-veth.ts';
import type { SfuPass } from './sfu-link.ts';
import { startLabServer } from './fixtures/lab-server.ts';
import type { LabServer } from './fixtures/lab-server.ts';

interface Stats {
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
}

const stats = (page: Page, id: string): Promise<Stats | undefined> => page.evaluate((from) => window.__sfuLab!.media.receiveStats(from), id);
const frames = async (page: Page, id: string): Promise<number> => (await stats(page, id))?.framesDecoded ?? 0;
const via = (page: Page, id: string): Promise<string | undefined> => page.evaluate((from) => window.__sfuLab!.media.remotes.get(from)?.via, id);
const selfId = (page: Page): Promise<string> => page.evaluate(() => window.__sfuLab!.room.selfId);
const passOf = (page: Page): Promise<SfuPass | undefined> => page.evaluate(() => window.__sfuLab!.pass());

describe('video through the SFU (Janus VideoRoom) in Chromium', () => {
  let lab: LabServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const iface = ensureTestInterface();
    [lab, browser] = await Promise.all([
      startLabServer({ sfu: ['--sfu-port', '0', '--sfu-rtp-ports', '22000-22199', ...(iface ? ['--sfu-ice', iface.name] : [])] }),
      chromium.launch({ executablePath: chromiumPath, args: chromiumArgs }),
    ]);
  }, 60_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await lab?.close();
  });

  async function open(query: string, errors: string[]): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${lab.server.url}/lab/?${query}`);
    await page.locator('#state[data-ready]').waitFor({ timeout: 20_000 });
    return page;
  }

  it('teacher to three students, a student on stage, refusals for the uninvited and for strangers, the stage ended, layers by tile size', async () => {
    const errors: string[] = [];
    const teacher = await open('name=Teacher&topology=sfu', errors);
    const hostPeer = await teacher.evaluate(() => window.__sfuLab!.transport.localId);
    const [ada, bo, cy] = await Promise.all(['Ada', 'Bo', 'Cy'].map((name) => open(`name=${name}&room=${hostPeer}`, errors)));
    const teacherId = await selfId(teacher);
    const adaId = await selfId(ada!);

    // Through Janus, not p2p: every student decodes the teacher's frames from an SFU subscription.
    for (const page of [ada!, bo!, cy!]) {
      await expect.poll(() => frames(page, teacherId), { timeout: 20_000 }).toBeGreaterThan(10);
      expect(await via(page, teacherId)).toBe('sfu');
    }
    expect(await teacher.evaluate(() => window.__sfuLab!.media.topology)).toBe('sfu');

    // Bo was not invited: his pass lets him watch (pin) but carries no token; publishing anyway is refused by Janus.
    const boPass = (await passOf(bo!))!;
    expect(boPass).toMatchObject({ token: '', feed: 0 });
    expect(await bo!.evaluate((pass) => window.__sfuLab!.tryPublish(pass, 4242), boPass)).toMatch(/Unauthorized|433/);
    // Nor can he reuse the teacher's feed id (Janus refuses the token first; the id is taken anyway).
    const teacherFeed = await teacher.evaluate(() => window.__sfuLab!.pass()!.feed);
    expect(await bo!.evaluate(([pass, feed]) => window.__sfuLab!.tryPublish(pass as never, feed as number), [boPass, teacherFeed] as const)).not.toBe('');
    // A stranger who has the Janus URL and even the room number, but not the pin: can neither watch nor publish.
    const stranger = await open('name=Stranger', errors);
    const guessed: SfuPass = { url: boPass.url, room: boPass.room, pin: 'guess', token: '', feed: 0 };
    expect(await stranger.evaluate(([pass, feed]) => window.__sfuLab!.trySubscribe(pass as never, feed as number), [guessed, teacherFeed] as const)).toMatch(/Unauthorized|433/);
    expect(await stranger.evaluate(([pass, feed]) => window.__sfuLab!.trySubscribe(pass as never, feed as number), [{ ...guessed, pin: '' }, teacherFeed] as const)).not.toBe('');
    expect(await stranger.evaluate((pass) => window.__sfuLab!.tryPublish(pass, 4343), guessed)).toMatch(/Unauthorized|433/);

    // The teacher invites Ada, she accepts: Janus now knows her token, and everyone decodes her through the SFU.
    await teacher.evaluate((id) => window.__sfuLab!.media.inviteToStage(id), adaId);
    await expect.poll(() => ada!.evaluate(() => window.__sfuLab!.media.invite !== undefined), { timeout: 5000 }).toBe(true);
    await ada!.evaluate(() => window.__sfuLab!.media.answerInvite(true));
    for (const page of [teacher, bo!, cy!]) {
      await expect.poll(() => frames(page, adaId), { timeout: 20_000 }).toBeGreaterThan(10);
      expect(await via(page, adaId)).toBe('sfu');
    }
    const adaPass = (await passOf(ada!))!;
    expect(adaPass.token).not.toBe('');

    // A receiver's tile size picks the layer: wide tiles get 640×480, narrow ones the half-size layer.
    await expect.poll(() => stats(bo!, teacherId), { timeout: 20_000 }).toMatchObject({ frameWidth: 640, frameHeight: 480 });
    expect(await bo!.evaluate((id) => window.__sfuLab!.media.sfuLayer(id), teacherId)).toBe(1);
    await bo!.evaluate(() => document.querySelector('beckon-video-grid')!.style.setProperty('--grid-width', '260px'));
    await expect.poll(() => bo!.evaluate((id) => window.__sfuLab!.media.sfuLayer(id), teacherId), { timeout: 5000 }).toBe(0);
    await expect.poll(() => stats(bo!, teacherId), { timeout: 15_000 }).toMatchObject({ frameWidth: 320, frameHeight: 240 });
    await bo!.evaluate(() => document.querySelector('beckon-video-grid')!.style.removeProperty('--grid-width'));
    await expect.poll(() => bo!.evaluate((id) => window.__sfuLab!.media.sfuLayer(id), teacherId), { timeout: 5000 }).toBe(1);
    await expect.poll(() => stats(bo!, teacherId), { timeout: 15_000 }).toMatchObject({ frameWidth: 640 });

    // The teacher ends Ada's stage: her feed goes from every page, and her old token no longer publishes.
    await teacher.evaluate((id) => window.__sfuLab!.media.endStage(id), adaId);
    for (const page of [teacher, bo!, cy!]) {
      await expect.poll(() => page.evaluate((id) => window.__sfuLab!.media.remotes.has(id), adaId), { timeout: 10_000 }).toBe(false);
    }
    await expect.poll(() => ada!.evaluate(() => window.__sfuLab!.pass()?.token), { timeout: 5000 }).toBe('');
    expect(await ada!.evaluate(([pass, feed]) => window.__sfuLab!.tryPublish(pass as never, feed as number), [adaPass, adaPass.feed] as const)).toMatch(/Unauthorized|433/);
    // On the server, her feed is gone (kicked), not merely ignored by the pages: subscribing to it finds nothing.
    await expect.poll(() => bo!.evaluate(([pass, feed]) => window.__sfuLab!.trySubscribe(pass as never, feed as number), [boPass, adaPass.feed] as const), { timeout: 5000 }).toMatch(/No such feed|428/);
    // The teacher plays on.
    const before = await frames(cy!, teacherId);
    await expect.poll(() => frames(cy!, teacherId), { timeout: 5000 }).toBeGreaterThan(before + 5);
    expect(errors).toEqual([]);
  }, 150_000);
});
