// Shared by the arena's newer end-to-end tests: builds the demo into a directory of its own (another test file may
// be building `dist` at the same time), serves it with a real `beckon serve`, and opens players' pages.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@beckon/cli';
import type { RunningServer } from '@beckon/cli';
import { chromium } from 'playwright';
import type { Browser, BrowserContextOptions, Page } from 'playwright';
import { expect } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../../scripts/chromium.ts';

const demoDir = fileURLToPath(new URL('..', import.meta.url));

export interface ArenaHarness {
  readonly server: RunningServer;
  readonly browser: Browser;
  /** Page errors from every page opened, to be empty at the end of a test. */
  readonly errors: string[];
  open(url: string, options?: BrowserContextOptions): Promise<Page>;
  /** A host page (video off) and its invite's host peer id. */
  host(name: string, options?: BrowserContextOptions): Promise<{ page: Page; peer: string }>;
  closePages(): Promise<void>;
  close(): Promise<void>;
}

export async function startArena(): Promise<ArenaHarness> {
  const distDir = mkdtempSync(path.join(tmpdir(), 'beckon-arena-'));
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const built = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', distDir, '--emptyOutDir'], { cwd: demoDir, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`vite build failed:\n${built.stdout}\n${built.stderr}`);
  const [server, browser] = await Promise.all([startServer({ statics: [`/arena=${distDir}`] }), chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })]);
  const errors: string[] = [];
  const contexts: { close(): Promise<void> }[] = [];
  const open = async (url: string, options: BrowserContextOptions = { viewport: { width: 1440, height: 860 } }): Promise<Page> => {
    const context = await browser.newContext(options);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(`${url}: ${error.message}`));
    await page.goto(url);
    return page;
  };
  return {
    server,
    browser,
    errors,
    open,
    async host(name, options) {
      const page = await open(`${server.url}/arena/?name=${name}&video=off`, options);
      const invite = page.locator('#invite-link');
      await expect.poll(() => invite.inputValue(), { timeout: 15_000 }).toMatch(/#join=[\w.%-]+$/);
      return { page, peer: /#join=([\w.%-]+)$/.exec(await invite.inputValue())![1]! };
    },
    async closePages() {
      for (const context of contexts.splice(0)) await context.close();
    },
    async close() {
      for (const context of contexts.splice(0)) await context.close();
      await browser.close();
      await server.close();
      rmSync(distDir, { recursive: true, force: true });
    },
  };
}

/** Where `page` draws the entity `id` right now. */
export function shownAt(page: Page, id: number): Promise<{ x: number; y: number } | undefined> {
  return page.evaluate((entity) => {
    const state = window.__arena?.shown()[entity];
    return state ? { x: state['x']!, y: state['y']! } : undefined;
  }, id);
}

/** The page's own avatar, once the host has given it one. */
export async function ownAvatar(page: Page): Promise<number> {
  await expect.poll(() => page.evaluate(() => window.__arena?.avatar() ?? 0), { timeout: 15_000 }).toBeGreaterThan(0);
  return page.evaluate(() => window.__arena!.avatar());
}
