// A page that blocks its own main thread for 3 s (a long script, a slow machine) is not dropped: the room's liveness
// tolerates the stall, on a member's page and on the host's, and a host's stall does not start a host migration.
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownAvatar, startArena } from './e2e-harness.ts';
import type { ArenaHarness } from './e2e-harness.ts';

/** Records, in the page, every room state change and every participant who leaves. */
function record(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { __seen: string[] };
    w.__seen = [];
    const room = window.__arena!.room;
    room.on('state', (state) => w.__seen.push(`state:${state}`));
    room.on('leave', ({ participant }) => w.__seen.push(`left:${participant.name}`));
  });
}

const seen = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);

/** Blocks the page's main thread for `ms`, and returns how long it really was blocked. */
function block(page: Page, ms: number): Promise<number> {
  return page.evaluate((duration) => {
    const start = performance.now();
    while (performance.now() - start < duration) {
      // Busy: no timers, no network events, no frames.
    }
    return performance.now() - start;
  }, ms);
}

describe('Gem Rush under a 3 s main-thread stall (Chromium)', () => {
  let arena: ArenaHarness;
  beforeAll(async () => {
    arena = await startArena();
  }, 120_000);
  afterAll(async () => {
    await arena?.close();
  });

  it('keeps a member whose page blocks for 3 s, and keeps everyone when the host page blocks for 3 s', async () => {
    const { page: host, peer } = await arena.host('Ada');
    const bea = await arena.open(`${arena.server.url}/arena/?name=Bea&video=off#join=${peer}`);
    await ownAvatar(bea);
    for (const page of [host, bea]) await page.evaluate(() => window.__arena!.setRendering(false));
    await Promise.all([record(host), record(bea)]);

    expect(await block(bea, 3000)).toBeGreaterThanOrEqual(3000);
    // Long enough for any timeout the stall could have tripped to have fired, on either side.
    await bea.waitForTimeout(5000);
    expect(await seen(host)).toEqual([]);
    expect(await seen(bea)).toEqual([]);

    expect(await block(host, 3000)).toBeGreaterThanOrEqual(3000);
    await bea.waitForTimeout(5000);
    expect(await seen(host)).toEqual([]);
    expect(await seen(bea)).toEqual([]);
    expect(await bea.evaluate(() => window.__arena!.role)).toBe('member');
    expect(arena.errors).toEqual([]);
  }, 90_000);
});
