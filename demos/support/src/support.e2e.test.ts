// Two Chromium pages run the built demo against a real `beckon serve`: the agent hosts, the customer joins by
// the invite link, and they exchange chat, cursors and a file over real RTCDataChannels.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patterned, startSupport } from './e2e-harness.ts';
import type { SupportHarness } from './e2e-harness.ts';

// Set to a directory to save screenshots of both views (docs/screenshots in the repository).
const screenshotDir = process.env['BECKON_SCREENSHOTS'];

interface Received {
  type: string;
  lane: string;
  from: string;
}

/** Records every message and progress event a page's room sees, from the moment it is called. */
async function record(page: Page): Promise<void> {
  await page.evaluate(() => {
    const room = window.__beckon!.room;
    const seen = { messages: [] as { type: string; lane: string; from: string }[], progress: [] as { direction: string; bytes: number; totalBytes: number }[] };
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    room.on('message', ({ type, meta }) => seen.messages.push({ type: type.name, lane: meta.lane, from: meta.from }));
    room.on('progress', ({ direction, bytes, totalBytes }) => seen.progress.push({ direction, bytes, totalBytes }));
  });
}

function seen(page: Page): Promise<{ messages: Received[]; progress: { direction: string; bytes: number; totalBytes: number }[] }> {
  return page.evaluate(() => (window as unknown as { __seen: { messages: Received[]; progress: { direction: string; bytes: number; totalBytes: number }[] } }).__seen);
}

describe('remote support demo in Chromium', () => {
  let harness: SupportHarness;
  let server: SupportHarness['server'];
  let browser: Browser;

  beforeAll(async () => {
    harness = await startSupport();
    ({ server, browser } = harness);
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('connects agent and customer and carries chat, cursors and a file on the right lanes', async () => {
    const errors: string[] = [];
    const agentContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const customerContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const agent = await agentContext.newPage();
    const customer = await customerContext.newPage();
    for (const [name, page] of [['agent', agent], ['customer', customer]] as const) {
      page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
    }

    // The agent's page hosts a room and shows an invite link to itself.
    await agent.goto(`${server.url}/support/`);
    const invite = agent.locator('#invite-link');
    await expect.poll(() => invite.inputValue(), { timeout: 10_000 }).toMatch(/#room=[\w-]+\.[\w-]+\.[\w-]+$/);
    const link = await invite.inputValue();
    expect(link.startsWith(`${server.url}/support/`)).toBe(true);
    await record(agent);

    // The customer opens it, gives a name and joins.
    await customer.goto(link);
    await customer.getByLabel('Your name').fill('Ada Customer');
    await customer.getByRole('button', { name: 'Join session' }).click();
    await customer.locator('#workspace').waitFor({ state: 'visible', timeout: 15_000 });
    await record(customer);
    const customerId = await customer.evaluate(() => window.__beckon!.room.selfId);
    const agentId = await agent.evaluate(() => window.__beckon!.room.selfId);

    // Each sees the other in the participant list, with roles, and the other's system information.
    await agent.locator(`.person[data-participant="${customerId}"]`).waitFor({ timeout: 10_000 });
    await expect.poll(() => agent.locator(`.person[data-participant="${customerId}"] .role`).textContent()).toBe('Customer');
    await expect.poll(() => customer.locator(`.person[data-participant="${agentId}"] .role`).textContent()).toBe('Agent');
    const card = agent.locator(`.system-card[data-participant="${customerId}"]`);
    await card.waitFor({ timeout: 10_000 });
    expect(await card.textContent()).toMatch(/Chrom(e|ium) \d+/);
    await customer.locator(`.system-card[data-participant="${agentId}"]`).waitFor({ timeout: 10_000 });
    // RTT from heartbeats (about one a second) appears on the agent's row for the customer.
    await expect.poll(() => agent.locator(`.person[data-participant="${customerId}"] .rtt`).textContent(), { timeout: 5000 }).toMatch(/^RTT \d/);

    // Chat both ways, rendered as text: markup from a peer stays inert.
    const chat = customer.getByRole('textbox', { name: 'Message' });
    await chat.fill('Hi! Printing stopped working after the update.');
    await chat.press('Enter');
    const hostile = 'The log says: <img src=x onerror="window.__pwned=1">';
    await chat.fill(hostile);
    await chat.press('Enter');
    const agentChat = agent.getByRole('log', { name: 'Chat messages' });
    await expect.poll(() => agentChat.locator('.chat-text').last().textContent(), { timeout: 5000 }).toBe(hostile);
    expect(await agentChat.locator('img').count()).toBe(0);
    expect(await agent.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await agent.getByRole('textbox', { name: 'Message' }).fill('Let me have a look.');
    await agent.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => customer.getByRole('log', { name: 'Chat messages' }).locator('.chat-text').last().textContent(), { timeout: 5000 }).toBe('Let me have a look.');

    // Cursors: the customer moves over the shared area; the agent draws the customer's cursor where it is.
    const box = (await customer.locator('#stage').boundingBox())!;
    for (let i = 0; i <= 10; i++) {
      await customer.mouse.move(box.x + box.width * (0.2 + 0.05 * i), box.y + box.height * (0.3 + 0.02 * i));
      await customer.waitForTimeout(20);
    }
    const remoteCursor = agent.locator(`.cursor[data-participant="${customerId}"]`);
    await expect.poll(async () => Number(await remoteCursor.getAttribute('data-x')), { timeout: 5000 }).toBeCloseTo(0.7, 2);
    expect(Number(await remoteCursor.getAttribute('data-y'))).toBeCloseTo(0.5, 2);
    expect(await remoteCursor.isVisible()).toBe(true);
    expect(await remoteCursor.textContent()).toBe('Ada Customer');
    const agentBox = (await agent.locator('#stage').boundingBox())!;
    await agent.mouse.move(agentBox.x + agentBox.width * 0.35, agentBox.y + agentBox.height * 0.6);
    await customer.locator(`.cursor[data-participant="${agentId}"]`).waitFor({ state: 'visible', timeout: 5000 });

    // A file from the customer, chunked on the reliable lane, with progress on both ends and a download on receipt.
    const size = 1_500_000;
    const content = patterned(size);
    await customer.locator('#file-input').setInputFiles({ name: 'screen-log.bin', mimeType: 'application/octet-stream', buffer: content });
    const download = agent.locator('#transfers .download');
    await download.waitFor({ timeout: 15_000 });
    await expect.poll(() => customer.locator('#transfers .transfer').first().getAttribute('data-state'), { timeout: 10_000 }).toBe('done');
    expect(await customer.locator('#transfers .transfer-detail').first().textContent()).toMatch(/^Delivered/);
    const receivedFile = await agent.evaluate(async () => {
      const anchor = document.querySelector<HTMLAnchorElement>('#transfers .download')!;
      const bytes = await (await fetch(anchor.href)).arrayBuffer();
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      return { name: anchor.download, size: bytes.byteLength, sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') };
    });
    expect(receivedFile).toEqual({ name: 'screen-log.bin', size, sha256: createHash('sha256').update(content).digest('hex') });
    const customerSeen = await seen(customer);
    const agentSeen = await seen(agent);
    const sent = customerSeen.progress.filter((p) => p.direction === 'send');
    const received = agentSeen.progress.filter((p) => p.direction === 'receive');
    // 1.5 MB in 16 KiB chunks: many steps, ending complete.
    expect(sent.length).toBeGreaterThan(50);
    expect(received.length).toBeGreaterThan(50);
    expect(sent.at(-1)!.bytes).toBe(sent.at(-1)!.totalBytes);
    expect(received.at(-1)!.bytes).toBe(received.at(-1)!.totalBytes);

    // Each message type arrived on its lane, stamped with its real sender.
    const lanesOf = (messages: Received[], type: string): string[] => [...new Set(messages.filter((m) => m.type === type).map((m) => m.lane))];
    expect(lanesOf(agentSeen.messages, 'support.CursorMoved')).toEqual(['unreliable']);
    expect(lanesOf(customerSeen.messages, 'support.CursorMoved')).toEqual(['unreliable']);
    expect(lanesOf(agentSeen.messages, 'support.ChatMessage')).toEqual(['reliable']);
    expect(lanesOf(agentSeen.messages, 'support.FileChunk')).toEqual(['reliable']);
    expect(agentSeen.messages.filter((m) => m.type === 'support.ChatMessage').map((m) => m.from)).toEqual([customerId, customerId]);

    // The channel parameters, read back from the real RTCDataChannels on both ends.
    const customerChannels = await customer.evaluate(() => {
      const room = window.__beckon!.room as import('@beckon/core').MemberRoom;
      return Object.fromEntries(room.link()!.lanes);
    });
    const agentChannels = await agent.evaluate((id) => {
      const room = window.__beckon!.room as import('@beckon/core').HostRoom;
      return Object.fromEntries(room.link(id)!.lanes);
    }, customerId);
    for (const channels of [customerChannels, agentChannels]) {
      expect(channels['unreliable']).toMatchObject({ label: 'unreliable', negotiated: true, ordered: false, maxRetransmits: 0, maxPacketLifeTime: null });
      expect(channels['reliable']).toMatchObject({ label: 'reliable', negotiated: true, ordered: true, maxRetransmits: null, maxPacketLifeTime: null });
    }

    // Control: the agent asks, the customer allows, both show who is in control.
    await agent.getByRole('button', { name: 'Request control from Ada Customer' }).click();
    await customer.getByRole('alertdialog').waitFor({ timeout: 5000 });
    await customer.getByRole('button', { name: 'Allow' }).click();
    await expect.poll(() => customer.locator('#control-chip').textContent(), { timeout: 5000 }).toBe('Support agent has control');
    await expect.poll(() => agent.locator('#control-chip').textContent(), { timeout: 5000 }).toBe('Support agent has control');

    // Live regions: chat is a log, the connection is a status.
    expect(await customer.getByRole('status').textContent()).toContain('Connected to Support agent');
    expect(errors).toEqual([]);

    if (screenshotDir !== undefined) {
      mkdirSync(screenshotDir, { recursive: true });
      // Leave the cursors where a person would: over the shared area, mid-session.
      await customer.mouse.move(box.x + box.width * 0.62, box.y + box.height * 0.42);
      await agent.mouse.move(agentBox.x + agentBox.width * 0.3, agentBox.y + agentBox.height * 0.66);
      await agent.waitForTimeout(300);
      await customer.locator('#stage').click({ position: { x: box.width * 0.62, y: box.height * 0.42 } });
      await agent.waitForTimeout(350);
      await agent.screenshot({ path: path.join(screenshotDir, 'support-host.png'), fullPage: true });
      await customer.screenshot({ path: path.join(screenshotDir, 'support-member.png'), fullPage: true });
    }

    // A reload rejoins as the same participant without asking again, and the retained control state is replayed.
    await customer.reload();
    await customer.locator('#workspace').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await customer.evaluate(() => window.__beckon!.room.selfId)).toBe(customerId);
    await expect.poll(() => customer.locator('#control-chip').textContent(), { timeout: 5000 }).toBe('Support agent has control');
    await agent.mouse.move(agentBox.x + agentBox.width * 0.4, agentBox.y + agentBox.height * 0.5);
    await expect.poll(() => customer.locator(`.cursor[data-participant="${agentId}"]`).getAttribute('class'), { timeout: 5000 }).toContain('controlling');
    await expect.poll(() => agent.locator('#activity').textContent(), { timeout: 5000 }).toContain('Ada Customer rejoined');
    await expect.poll(() => agent.locator('.person').count()).toBe(2);
    await record(customer);
    await chat.fill('Back again.');
    await chat.press('Enter');
    await expect.poll(() => agentChat.locator('.chat-text').last().textContent(), { timeout: 5000 }).toBe('Back again.');
    expect(errors).toEqual([]);

    await agentContext.close();
    await customerContext.close();
  }, 60_000);
});
