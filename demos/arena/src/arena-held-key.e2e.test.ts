// A held arrow key keeps a member's avatar moving for as long as it is held, with the keyboard's auto-repeat too
// (the previous helper saw it stop after ~0.3 s; not reproduced here, so this guards it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownAvatar, startArena } from './e2e-harness.ts';
import type { ArenaHarness } from './e2e-harness.ts';

describe('Gem Rush held keys (Chromium)', () => {
  let arena: ArenaHarness;
  beforeAll(async () => {
    arena = await startArena();
  }, 120_000);
  afterAll(async () => {
    await arena?.close();
  });

  it('keeps a member moving while an arrow key is held, auto-repeat included', async () => {
    const { page: host, peer } = await arena.host('Ada');
    const bea = await arena.open(`${arena.server.url}/arena/?name=Bea&video=off#join=${peer}`);
    const avatar = await ownAvatar(bea);
    await bea.locator('#game').focus();
    // Start at the left wall, so the whole hold has room to the right.
    await bea.keyboard.down('ArrowLeft');
    await host.waitForFunction((id) => (window.__arena!.host!.world.get(id)?.['x'] ?? Infinity) < 200, avatar, { polling: 50, timeout: 20_000 });
    await bea.keyboard.up('ArrowLeft');
    await bea.waitForTimeout(300);
    // The host records where it has her, on its own clock, from the moment she presses the key.
    await host.evaluate((id) => {
      const w = window as unknown as { __track: [number, number][] };
      w.__track = [];
      const t0 = performance.now();
      setInterval(() => w.__track.push([performance.now() - t0, window.__arena!.host!.world.get(id)!['x']!]), 40);
    }, avatar);
    await bea.keyboard.down('ArrowRight');
    // Held for 2 s; after half a second the keyboard starts repeating (keydown with repeat: true, as a real one does).
    for (let i = 0; i < 30; i++) {
      await bea.waitForTimeout(50);
      if (i >= 10) await bea.keyboard.down('ArrowRight');
    }
    await bea.keyboard.up('ArrowRight');
    const track = await host.evaluate(() => (window as unknown as { __track: [number, number][] }).__track);
    const at = (ms: number): number => track.find(([t]) => t >= ms)?.[1] ?? NaN;
    const end = track.at(-1)!;
    // Still gaining ground well after 0.3 s: from 0.6 s to the end of the hold.
    expect(end[0]).toBeGreaterThan(1200);
    expect(end[1] - at(600)).toBeGreaterThan(100);
    expect(arena.errors).toEqual([]);
  }, 90_000);
});
