// Shared by the support demo's end-to-end tests: builds the demo, serves it with a real `beckon serve`, and
// connects an agent page and a customer page.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@beckon/cli';
import type { RunningServer } from '@beckon/cli';
import { chromium } from 'playwright';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright';
import { expect } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../../scripts/chromium.ts';

const demoDir = fileURLToPath(new URL('..', import.meta.url));

export interface SupportHarness {
  readonly server: RunningServer;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Builds into a directory of its own (a stale or shared dist would test other code) and starts server and browser. */
export async function startSupport(): Promise<SupportHarness> {
  const distDir = mkdtempSync(path.join(tmpdir(), 'beckon-support-'));
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const built = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', distDir, '--emptyOutDir'], { cwd: demoDir, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`vite build failed:\n${built.stdout}\n${built.stderr}`);
  const [server, browser] = await Promise.all([startServer({ statics: [`/support=${distDir}`] }), chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })]);
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
      rmSync(distDir, { recursive: true, force: true });
    },
  };
}

export interface Pair {
  readonly agent: Page;
  readonly customer: Page;
  readonly agentContext: BrowserContext;
  readonly customerContext: BrowserContext;
  readonly link: string;
  readonly errors: string[];
}

/** An agent hosting and a customer who joined by the invite link, both with their workspace showing. */
export async function connectPair(harness: SupportHarness, customerOptions: BrowserContextOptions = { viewport: { width: 1360, height: 900 } }): Promise<Pair> {
  const errors: string[] = [];
  const agentContext = await harness.browser.newContext({ viewport: { width: 1360, height: 900 } });
  const customerContext = await harness.browser.newContext(customerOptions);
  const agent = await agentContext.newPage();
  const customer = await customerContext.newPage();
  for (const [name, page] of [['agent', agent], ['customer', customer]] as const) page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
  await agent.goto(`${harness.server.url}/support/`);
  const invite = agent.locator('#invite-link');
  await expect.poll(() => invite.inputValue(), { timeout: 10_000 }).toMatch(/#room=[\w-]+\.[\w-]+\.[\w-]+$/);
  const link = await invite.inputValue();
  await customer.goto(link);
  await customer.getByLabel('Your name').fill('Ada Customer');
  await customer.getByRole('button', { name: 'Join session' }).click();
  await customer.locator('#workspace').waitFor({ state: 'visible', timeout: 15_000 });
  const customerId = await customer.evaluate(() => window.__beckon!.room.selfId);
  await agent.locator(`.person[data-participant="${customerId}"]`).waitFor({ timeout: 10_000 });
  return { agent, customer, agentContext, customerContext, link, errors };
}

/** Bytes with a pattern, so a truncated or reordered copy would not match. */
export function patterned(size: number): Buffer {
  const content = Buffer.alloc(size);
  for (let i = 0; i < size; i++) content[i] = (i * 7 + (i >> 8)) & 0xff;
  return content;
}
