// Gem Rush as people play it: on a phone with a touch stick, typing in the chat between moves, and watching the
// other players move smoothly on the host's screen as on everyone else's.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ownAvatar, shownAt, startArena } from './e2e-harness.ts';
import type { ArenaHarness } from './e2e-harness.ts';

// Set to a directory to save screenshots (docs/screenshots in the repository).
const screenshotDir = process.env['BECKON_SCREENSHOTS'];

const phones = [
  { name: 'arena-phone', player: 'Bea', width: 390, height: 844 },
  { name: 'arena-phone-360', player: 'Cy', width: 360, height: 740 },
] as const;

/** Layout faults a phone player would see: sideways scroll, clipped header items, the help text over the scores. */
function layoutFaults(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const faults: string[] = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width) faults.push(`page is ${document.documentElement.scrollWidth} px wide in ${width}`);
    for (const element of document.querySelectorAll<HTMLElement>('.topbar *')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || element.closest('[hidden]')) continue;
      if (box.left < 0 || box.right > width + 0.5) faults.push(`${element.className || element.tagName} spills out of the header`);
      if (getComputedStyle(element).overflow !== 'visible' && element.scrollWidth > element.clientWidth + 1) faults.push(`${element.className} is cut off`);
    }
    const help = document.querySelector('.help')!.getBoundingClientRect();
    const scores = document.querySelector('#scores')!.closest('.card')!.getBoundingClientRect();
    if (help.height > 0 && help.bottom > scores.top && help.top < scores.bottom && help.right > scores.left && help.left < scores.right) faults.push('help text overlaps the scoreboard');
    return faults;
  });
}

describe('Gem Rush as people play it', () => {
  let arena: ArenaHarness;

  beforeAll(async () => {
    arena = await startArena();
  }, 60_000);

  afterEach(async () => {
    await arena.closePages();
  });

  afterAll(async () => {
    await arena?.close();
  });

  it('fits a phone and steers with the on-screen stick', async () => {
    const { peer } = await arena.host('Ada');
    for (const phone of phones) {
      const page = await arena.open(`${arena.server.url}/arena/?name=${phone.player}&video=off#join=${peer}`, {
        viewport: { width: phone.width, height: phone.height },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
      });
      const avatar = await ownAvatar(page);
      await page.locator('#scores .score').first().waitFor();
      expect(await layoutFaults(page)).toEqual([]);

      // The stick: press on it and drag; the avatar goes where the thumb points, and stops on release.
      const stick = page.locator('#stick');
      await stick.waitFor({ state: 'visible' });
      const box = (await stick.boundingBox())!;
      const center = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      const cdp = await page.context().newCDPSession(page);
      const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number, y: number): Promise<unknown> =>
        cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y, id: 1 }] });
      const start = (await shownAt(page, avatar))!;
      const direction = start.x < 800 ? 1 : -1;
      await touch('touchStart', center.x, center.y);
      for (let step = 1; step <= 5; step++) await touch('touchMove', center.x + direction * step * 10, center.y);
      await expect.poll(async () => ((await shownAt(page, avatar))!.x - start.x) * direction, { timeout: 3000, interval: 16 }).toBeGreaterThan(80);
      // Still held, still moving: the stick does not let go by itself.
      const held = (await shownAt(page, avatar))!;
      await expect.poll(async () => ((await shownAt(page, avatar))!.x - held.x) * direction, { timeout: 3000, interval: 16 }).toBeGreaterThan(40);
      // Up, without lifting the thumb.
      const turn = (await shownAt(page, avatar))!;
      const up = turn.y > 450 ? -1 : 1;
      await touch('touchMove', center.x, center.y + up * 50);
      await expect.poll(async () => ((await shownAt(page, avatar))!.y - turn.y) * up, { timeout: 3000, interval: 16 }).toBeGreaterThan(40);
      await touch('touchEnd', 0, 0);
      // Released: it settles (the host stops it; the screen follows).
      let last = (await shownAt(page, avatar))!;
      await expect
        .poll(
          async () => {
            const now = (await shownAt(page, avatar))!;
            const moved = Math.hypot(now.x - last.x, now.y - last.y);
            last = now;
            return moved;
          },
          { timeout: 3000, interval: 200 },
        )
        .toBeLessThan(0.5);
      expect(await layoutFaults(page)).toEqual([]);
      if (screenshotDir !== undefined) {
        mkdirSync(screenshotDir, { recursive: true });
        await page.screenshot({ path: path.join(screenshotDir, `${phone.name}.png`) });
      }
    }
    expect(arena.errors).toEqual([]);
  }, 90_000);

  it('hands the keys back to the game after Enter sends a chat message, and on Esc', async () => {
    const { page } = await arena.host('Ada');
    const avatar = await ownAvatar(page);
    const chat = page.getByRole('textbox', { name: 'Message' });
    const moves = async (): Promise<boolean> => {
      const before = (await shownAt(page, avatar))!;
      const key = before.x < 800 ? 'KeyD' : 'KeyA';
      await page.keyboard.down(key);
      try {
        await expect.poll(async () => Math.abs((await shownAt(page, avatar))!.x - before.x), { timeout: 2000, interval: 16 }).toBeGreaterThan(20);
        return true;
      } catch {
        return false;
      } finally {
        await page.keyboard.up(key);
      }
    };

    await chat.click();
    await chat.fill('gg');
    await chat.press('Enter');
    await expect.poll(() => page.locator('#chat-log .chat-text').allTextContents()).toEqual(['gg']);
    expect(await moves()).toBe(true);
    expect(await chat.inputValue()).toBe('');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('game');

    await chat.click();
    await page.keyboard.type('half a thought');
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('game');
    expect(await moves()).toBe(true);
    // The draft stays for later; the keys went to the game, not into the box.
    expect(await chat.inputValue()).toBe('half a thought');
    expect(arena.errors).toEqual([]);
  }, 60_000);

  it('draws the other players on the host through the interpolation members use', async () => {
    const { page: host, peer } = await arena.host('Ada');
    const bea = await arena.open(`${arena.server.url}/arena/?name=Bea&video=off#join=${peer}`);
    const avatar = await ownAvatar(bea);
    await expect.poll(() => shownAt(host, avatar), { timeout: 10_000 }).toBeDefined();
    // Only the host's drawing matters here: spare the CPU.
    await bea.evaluate(() => window.__arena!.setRendering(false));
    const start = (await shownAt(host, avatar))!;
    // Towards the far wall, with room to move for a while.
    const key = start.x < 800 ? 'ArrowRight' : 'ArrowLeft';

    const lagNow = (): Promise<{ lag: number; x: number }> =>
      host.evaluate((id) => {
        const arena = window.__arena!;
        const x = arena.host!.world.get(id)!['x']!;
        return { lag: Math.abs(arena.shown()[id]!['x']! - x), x };
      }, avatar);
    // Bea's page holds the stick steadily (its drawing is off, so nothing resets the controls between frames).
    const steer = (moveX: number): Promise<void> => bea.evaluate((x) => window.__arena!.client!.setControls({ moveX: x }), moveX);
    await steer(key === 'ArrowRight' ? 1 : -1);
    await expect.poll(async () => Math.abs((await host.evaluate((id) => window.__arena!.host!.world.get(id)!['x']!, avatar)) - start.x), { timeout: 5000, interval: 16 }).toBeGreaterThan(40);
    // While Bea moves at 360 units/s, the host draws her where the snapshots interpolate to, about 100 ms behind its
    // own simulation, as a member does; drawing the simulation itself shows each burst of her inputs as a jump.
    const lags: number[] = [];
    for (let i = 0; i < 7; i++) {
      const { lag, x } = await lagNow();
      if (x < 80 || x > 1520) break; // at the wall she stops, and the picture catches up
      lags.push(lag);
      await host.waitForFunction((frame) => window.__arena!.frames > frame, await host.evaluate(() => window.__arena!.frames));
    }
    await steer(0);
    expect(lags.length).toBeGreaterThanOrEqual(3);
    lags.sort((a, b) => a - b);
    const median = lags[Math.floor(lags.length / 2)]!;
    expect(median).toBeGreaterThan(12);
    expect(median).toBeLessThan(150);
    // The host's own orb is drawn live, with no delay.
    const ada = await host.evaluate(() => window.__arena!.avatar());
    const own = await host.evaluate((id) => [window.__arena!.shown()[id]!['x']!, window.__arena!.host!.world.get(id)!['x']!], ada);
    expect(Math.abs(own[0]! - own[1]!)).toBeLessThan(0.5);
    // Once she stops, the host's picture catches up with the simulation (and with every member's).
    await expect.poll(() => host.evaluate((id) => Math.abs(window.__arena!.shown()[id]!['x']! - window.__arena!.host!.world.get(id)!['x']!), avatar), { timeout: 3000 }).toBeLessThan(0.2);
    expect(arena.errors).toEqual([]);
  }, 90_000);

  it('keeps a reloading player’s score and colour', async () => {
    const { page: host, peer } = await arena.host('Ada');
    const bea = await arena.open(`${arena.server.url}/arena/?name=Bea&video=off#join=${peer}`);
    const avatar = await ownAvatar(bea);
    const beaId = await bea.evaluate(() => window.__arena!.selfId);
    // Bea collects a gem: her page steers her orb to the nearest one (drawing off, so its controls are not reset each frame).
    await bea.evaluate(() => window.__arena!.setRendering(false));
    await bea.evaluate(
      (id) =>
        new Promise<void>((resolve) => {
          const arena = window.__arena!;
          const timer = setInterval(() => {
            const world = arena.client!.view();
            const own = world.get(id);
            const self = arena.players().find((player) => player.id === arena.selfId);
            if (self && self.points > 0) {
              arena.client!.setControls({});
              clearInterval(timer);
              resolve();
              return;
            }
            if (!own) return;
            let best: { x: number; y: number } | undefined;
            for (const [entity, state] of world) {
              if (entity === id || state['kind'] !== 1) continue;
              if (!best || Math.hypot(state['x']! - own['x']!, state['y']! - own['y']!) < Math.hypot(best.x - own['x']!, best.y - own['y']!)) best = { x: state['x']!, y: state['y']! };
            }
            if (!best) return;
            const dx = best.x - own['x']!;
            const dy = best.y - own['y']!;
            const length = Math.max(1, Math.hypot(dx, dy));
            arena.client!.setControls({ moveX: dx / length, moveY: dy / length });
          }, 30);
        }),
      avatar,
    );
    const row = (page: Page): Promise<{ points: string; color: string } | undefined> =>
      page.evaluate((id) => {
        const item = document.querySelector<HTMLElement>(`#scores .score[data-player="${id}"]`);
        return item ? { points: item.querySelector('.points')!.textContent!, color: item.querySelector<HTMLElement>('.dot')!.style.background } : undefined;
      }, beaId);
    await expect.poll(async () => Number((await row(host))?.points ?? 0), { timeout: 10_000 }).toBeGreaterThan(0);
    const before = (await row(host))!;

    await bea.reload();
    await ownAvatar(bea);
    expect(await bea.evaluate(() => window.__arena!.selfId)).toBe(beaId);
    // Same participant, same colour, the points kept, on both screens; and one Bea, not two. Her orb sits in the arena
    // until the page unloads, so she may still pick up a gem or the star after `before` was read: the points she comes
    // back with are at least those, and both screens agree on them.
    await expect.poll(async () => Number((await row(bea))?.points ?? -1), { timeout: 10_000 }).toBeGreaterThanOrEqual(Number(before.points));
    const after = (await row(host))!;
    expect(after.color).toBe(before.color);
    expect(Number(after.points)).toBeGreaterThanOrEqual(Number(before.points));
    for (const page of [host, bea]) await expect.poll(() => row(page), { timeout: 10_000 }).toEqual(after);
    expect(await host.locator('#scores .score').count()).toBe(2);
    expect(arena.errors).toEqual([]);
  }, 90_000);

  it('says there is no link instead of showing zeros, and tells the last player when the host leaves that she hosts now', async () => {
    const { page: host, peer } = await arena.host('Ada');
    const rtt = (page: Page): Promise<string | null> => page.locator('.graph[data-metric="rtt"] .graph-value').textContent();
    await expect.poll(() => rtt(host), { timeout: 5000 }).toBe('no players yet');
    const bea = await arena.open(`${arena.server.url}/arena/?name=Bea&video=off#join=${peer}`);
    await ownAvatar(bea);
    await expect.poll(() => rtt(bea), { timeout: 5000 }).toMatch(/^\d+(\.\d)? ms$/);
    await expect.poll(() => rtt(host), { timeout: 5000 }).toMatch(/^\d+(\.\d)? ms$/);
    // The host's tab closes. Bea is the only one left, so she carries the game on as its host, and is told so.
    await host.context().close();
    const notice = bea.locator('#ended').filter({ hasText: 'Ada left. You are hosting now; the game goes on with the same scores and clock.' });
    await notice.waitFor({ timeout: 10_000 });
    await expect.poll(() => bea.evaluate(() => window.__arena?.role), { timeout: 5000 }).toBe('host');
    expect(await bea.locator('#connection-text').textContent()).toBe('Hosting · waiting for players');
    // Her overlay says there is no one to measure rather than showing a perfect 0.0 ms.
    await expect.poll(() => rtt(bea), { timeout: 5000 }).toBe('no players yet');
    expect(await bea.getByRole('link', { name: 'Start a new game' }).isHidden()).toBe(true);
    if (screenshotDir !== undefined) {
      mkdirSync(screenshotDir, { recursive: true });
      await bea.screenshot({ path: path.join(screenshotDir, 'arena-host-left.png') });
    }
    expect(arena.errors).toEqual([]);
  }, 60_000);
});
