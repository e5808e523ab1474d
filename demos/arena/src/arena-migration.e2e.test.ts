// Host migration in Chromium: the host's tab closes mid-round and the two other players carry the same game on,
// under the player with the lowest participant id, with the same avatars, points and round clock.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownAvatar, shownAt, startArena } from './e2e-harness.ts';
import type { ArenaHarness } from './e2e-harness.ts';
import { arena as field } from './rules.ts';

const screenshotDir = process.env['BECKON_SCREENSHOTS'];

interface Seen {
  role: string | undefined;
  selfId: string;
  players: { id: string; name: string; avatar: number; points: number }[];
  round: string;
}

function seen(page: Page): Promise<Seen> {
  return page.evaluate(() => {
    const arena = window.__arena!;
    return { role: arena.role, selfId: arena.selfId, players: arena.players(), round: document.getElementById('round')!.textContent ?? '' };
  });
}

/** The round clock as "m:ss", in seconds. */
function clockSeconds(round: string): number {
  const match = /(\d+):(\d\d)$/.exec(round);
  return match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
}

describe('Gem Rush host migration (Chromium)', () => {
  let arena: ArenaHarness;
  beforeAll(async () => {
    arena = await startArena();
  }, 120_000);
  afterAll(async () => {
    await arena?.close();
  });

  it('goes on under the lowest participant id when the host closes its tab: same avatars, points and clock', async () => {
    const { page: host, peer } = await arena.host('Ada');
    const bea = await arena.open(`${arena.server.url}/arena/?name=Bea&video=off#join=${peer}`);
    const cy = await arena.open(`${arena.server.url}/arena/?name=Cy&video=off#join=${peer}`);
    const beaAvatar = await ownAvatar(bea);
    const cyAvatar = await ownAvatar(cy);
    // Spare the two cores: only the pages under test draw.
    await host.evaluate(() => window.__arena!.setRendering(false));
    // Bea steers right for a moment, so there is a position and perhaps points to keep.
    await bea.locator('#game').focus();
    await bea.keyboard.down('ArrowRight');
    await bea.waitForTimeout(800);
    await bea.keyboard.up('ArrowRight');
    await bea.waitForTimeout(600);
    const before = await seen(bea);
    const cyBefore = await seen(cy);
    expect(cyBefore.players).toEqual(before.players);
    const beaAt = await shownAt(cy, beaAvatar);
    const ids = [before.selfId, cyBefore.selfId].sort();
    const [next, other] = ids[0] === before.selfId ? [bea, cy] : [cy, bea];
    const nextName = next === bea ? 'Bea' : 'Cy';

    const closedAt = Date.now();
    await host.context().close();
    // Both are told, and one of them hosts: the one with the lower participant id.
    await expect.poll(() => next.evaluate(() => window.__arena?.role), { timeout: 10_000 }).toBe('host');
    await other.locator('#ended').filter({ hasText: `Ada left. ${nextName} is hosting now; the game goes on with the same scores and clock.` }).waitFor({ timeout: 10_000 });
    await next.locator('#ended').filter({ hasText: 'Ada left. You are hosting now' }).waitFor({ timeout: 5000 });
    await expect.poll(() => other.evaluate(() => window.__arena?.room.state), { timeout: 5000 }).toBe('open');
    expect(await other.locator('#connection-text').textContent()).toBe(`Playing in ${nextName}'s game`);
    console.log(`arena host migration: both players in the new host's room ${Date.now() - closedAt} ms after the host's tab closed (as observed by the test)`);

    // The same game: Ada is gone from the scores, Bea and Cy keep their avatars and points, the clock ran on.
    const keep = before.players.filter((p) => p.name !== 'Ada');
    for (const page of [bea, cy]) {
      await expect.poll(async () => (await seen(page)).players.map(({ id, avatar }) => ({ id, avatar })), { timeout: 10_000 }).toEqual(keep.map(({ id, avatar }) => ({ id, avatar })));
      const now = await seen(page);
      for (const player of keep) expect(now.players.find((p) => p.id === player.id)!.points).toBeGreaterThanOrEqual(player.points);
      const drift = clockSeconds(before.round) - clockSeconds(now.round);
      expect(drift).toBeGreaterThanOrEqual(0);
      expect(drift).toBeLessThan(30);
    }
    const beaNow = await shownAt(cy, beaAvatar);
    expect(Math.hypot(beaNow!.x - beaAt!.x, beaNow!.y - beaAt!.y)).toBeLessThan(5);
    // And play goes on: Cy steers on the new host, Bea's screen shows it.
    const cyAt = (await shownAt(bea, cyAvatar))!;
    // Where there is room: an avatar near the bottom wall goes up, else the wall, not the new host, would stop it.
    const down = field.height - cyAt.y >= 200;
    const key = down ? 'ArrowDown' : 'ArrowUp';
    await cy.locator('#game').focus();
    await cy.keyboard.down(key);
    await expect.poll(async () => (((await shownAt(bea, cyAvatar))?.y ?? cyAt.y) - cyAt.y) * (down ? 1 : -1), { timeout: 5000, message: `Bea sees Cy move ${down ? 'down' : 'up'} from y ${cyAt.y.toFixed(0)}` }).toBeGreaterThan(40);
    await cy.keyboard.up(key);
    // The page's URL now names the new host's room, so a reload rejoins it.
    expect(await other.evaluate(() => location.hash)).toMatch(/^#join=/);
    expect(await other.evaluate(() => location.hash)).not.toBe(`#join=${peer}`);
    if (screenshotDir !== undefined) {
      mkdirSync(screenshotDir, { recursive: true });
      await other.screenshot({ path: path.join(screenshotDir, 'arena-host-migrated.png') });
    }
    expect(arena.errors).toEqual([]);
  }, 90_000);
});
