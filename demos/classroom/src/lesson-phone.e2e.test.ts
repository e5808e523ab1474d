// The lesson page as students meet it (issue #16): on a 390×844 phone with touch, every class action is in reach
// without scrolling and nothing scrolls sideways at 360 px; axe finds nothing on the teacher's, the student's, the
// phone's and the pre-join views; a keyboard-only student does the whole path and hears it through live regions.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@beckon/cli';
import type { RunningServer } from '@beckon/cli';
import { chromium } from 'playwright';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../../scripts/chromium.ts';
import { removeBuild, viteBuild } from '../../../scripts/vite-build.ts';

const demoDir = fileURLToPath(new URL('..', import.meta.url));
/** The demo, built for this file alone. */
let distDir: string;
const packageDir = path.dirname(createRequire(import.meta.url).resolve('@beckon/classroom/package.json'));
const axePath = createRequire(path.join(packageDir, 'package.json')).resolve('axe-core/axe.min.js');
const screenshotDir = process.env['BECKON_SCREENSHOTS'];
const warmup = 'beckon-poll[question="Which fraction is the largest?"]';

const denyDevices = (): void => {
  navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
};

/** axe on the whole page (shadow roots included): every violation, of any impact. */
async function axe(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(c: Document, o: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`);
  });
}

/** The element is on screen, entirely, with the page not scrolled. */
async function inReach(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  const { width, height } = page.viewportSize()!;
  const scrolled = await page.evaluate(() => scrollY);
  return box !== null && scrolled === 0 && box.y >= 0 && box.x >= 0 && box.y + box.height <= height && box.x + box.width <= width;
}

describe('the lesson page for students on phones, by keyboard and for screen readers', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    distDir = await viteBuild(demoDir);
    [server, browser] = await Promise.all([startServer({ statics: [`/classroom=${distDir}`] }), chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })]);
  }, 60_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  afterAll(async () => {
    removeBuild(distDir);
    await browser?.close();
    await server?.close();
  });

  const open = async (options: { phone?: boolean; width?: number } = {}): Promise<Page> => {
    const context = await browser.newContext(
      options.phone ? { viewport: { width: options.width ?? 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 } : { viewport: { width: 1440, height: 1000 } },
    );
    contexts.push(context);
    await context.addInitScript(denyDevices);
    return context.newPage();
  };

  const startClass = async (): Promise<{ teacher: Page; link: string }> => {
    const teacher = await open();
    await teacher.goto(`${server.url}/classroom/`);
    expect(await axe(teacher)).toEqual([]);
    await teacher.getByRole('button', { name: 'Start a class' }).click({ timeout: 15_000 });
    const invite = teacher.locator('beckon-room').getByLabel('Invite link');
    await expect.poll(() => invite.inputValue(), { timeout: 15_000 }).toMatch(/#join=/);
    return { teacher, link: await invite.inputValue() };
  };

  const join = async (page: Page, link: string, name: string, check?: () => Promise<void>): Promise<void> => {
    await page.goto(link);
    await page.getByLabel('Your name').waitFor({ timeout: 15_000 });
    // Before joining: one form, no video or tool messages, nothing for axe.
    expect(await page.getByText('Video is not connected.').locator('visible=true').count()).toBe(0);
    expect(await axe(page)).toEqual([]);
    await check?.();
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Join class' }).click();
    await expect.poll(() => page.locator('beckon-room [part="status"]').textContent(), { timeout: 15_000 }).toContain("Ms Rivera's class");
  };

  it('a phone student reaches hand, poll, reactions and chat without scrolling; no sideways scroll at 360 px; axe clean', async () => {
    const { teacher, link } = await startClass();
    const phone = await open({ phone: true });
    await join(phone, link, 'Ada Lovelace');
    expect(await axe(phone)).toEqual([]);

    // Raise hand: in the bar at the bottom of the screen, one tap.
    expect(await inReach(phone, 'beckon-raise-hand')).toBe(true);
    await phone.locator('beckon-raise-hand').getByRole('button', { name: 'Raise hand' }).tap();
    await expect.poll(() => teacher.locator('beckon-hand-queue li .who').allTextContents(), { timeout: 5000 }).toEqual(['Ada Lovelace']);

    // The teacher asks from the page's composer; the Poll tab says there is something new.
    const composer = teacher.locator('#tool-poll beckon-poll');
    await composer.getByRole('textbox', { name: 'Question', exact: true }).fill('Is ⅔ bigger than ⅗?');
    await composer.getByRole('combobox', { name: 'Answers', exact: true }).selectOption('yes-no');
    if (screenshotDir !== undefined) {
      mkdirSync(screenshotDir, { recursive: true });
      await composer.scrollIntoViewIfNeeded();
      await teacher.screenshot({ path: path.join(screenshotDir, 'classroom-teacher-composer.png') });
    }
    await composer.getByRole('button', { name: 'Start poll' }).click();
    await expect.poll(() => phone.locator('.tabs [data-tool="poll"]').textContent(), { timeout: 5000 }).toContain('new');
    await phone.getByRole('button', { name: /Poll/ }).tap();
    expect(await inReach(phone, '#tool-poll beckon-poll')).toBe(true);
    await phone.locator('#tool-poll beckon-poll').getByRole('radio', { name: 'Yes' }).tap();
    await phone.locator('#tool-poll beckon-poll').getByRole('button', { name: 'Vote' }).tap();
    await expect.poll(() => phone.locator('#tool-poll beckon-poll .note').textContent(), { timeout: 5000 }).toContain('Vote recorded');
    expect(await inReach(phone, '#tool-poll beckon-poll .note')).toBe(true);
    expect(await axe(phone)).toEqual([]);

    await phone.getByRole('button', { name: /React/ }).tap();
    expect(await inReach(phone, 'beckon-reactions')).toBe(true);
    await phone.locator('beckon-reactions').getByRole('button', { name: 'React: applause' }).tap();
    await phone.getByRole('button', { name: /Chat/ }).tap();
    expect(await inReach(phone, 'beckon-chat')).toBe(true);
    await phone.locator('beckon-chat').getByRole('textbox', { name: 'Message' }).fill('Yes! 10/15 > 9/15');
    await phone.locator('beckon-chat').getByRole('button', { name: 'Send' }).tap();
    await expect.poll(() => teacher.locator('beckon-chat .text').allTextContents(), { timeout: 5000 }).toEqual(['Yes! 10/15 > 9/15']);
    expect(await axe(phone)).toEqual([]);

    const narrow = await open({ phone: true, width: 360 });
    await join(narrow, link, 'Ben Okafor', async () => {
      expect(await narrow.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(360);
    });
    for (const tool of ['Poll', 'React', 'Chat', 'Class']) {
      await narrow.getByRole('button', { name: new RegExp(tool) }).tap();
      expect(await narrow.evaluate(() => document.scrollingElement!.scrollWidth), tool).toBeLessThanOrEqual(360);
    }
    expect(await axe(teacher)).toEqual([]);

    if (screenshotDir !== undefined) {
      mkdirSync(screenshotDir, { recursive: true });
      await phone.getByRole('button', { name: /Poll/ }).tap();
      await phone.waitForTimeout(200);
      await phone.screenshot({ path: path.join(screenshotDir, 'classroom-phone-poll.png') });
      await phone.getByRole('button', { name: /Poll/ }).tap();
      await phone.waitForTimeout(200);
      await phone.screenshot({ path: path.join(screenshotDir, 'classroom-phone.png') });
      await narrow.screenshot({ path: path.join(screenshotDir, 'classroom-phone-360.png') });
    }
  }, 90_000);

  it('a keyboard-only student joins, raises a hand, votes and chats; each step is announced in a live region', async () => {
    const { teacher, link } = await startClass();
    const student = await open();
    await student.goto(link);
    await student.getByLabel('Your name').waitFor({ timeout: 15_000 });
    // The name field, typed into; Enter submits.
    await student.getByLabel('Your name').focus();
    await student.keyboard.type('Kim Keys');
    await student.keyboard.press('Enter');
    const status = student.locator('beckon-room [part="status"]');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain("Ms Rivera's class");
    expect(await status.getAttribute('role')).toBe('status');

    const focused = (): Promise<string> =>
      student.evaluate(() => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        const host = (el?.getRootNode() as ShadowRoot | Document | undefined) instanceof ShadowRoot ? (el!.getRootNode() as ShadowRoot).host : undefined;
        const label = el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
        return `${el?.tagName.toLowerCase()}|${(el as HTMLInputElement | null)?.type ?? ''}|${label}|${host?.getAttribute('question') ?? host?.tagName.toLowerCase() ?? ''}`;
      });
    const tabTo = async (match: RegExp, limit = 80): Promise<void> => {
      for (let i = 0; i < limit; i++) {
        await student.keyboard.press('Tab');
        if (match.test(await focused())) return;
      }
      throw new Error(`Tab never reached ${match}`);
    };

    await tabTo(/^button\|[a-z]*\|.*Raise hand/);
    await student.keyboard.press('Enter');
    await expect.poll(() => student.locator('beckon-raise-hand [role="status"]').first().textContent(), { timeout: 5000 }).toContain('1st in line');

    await teacher.locator(warmup).getByRole('button', { name: 'Start poll' }).click();
    const poll = student.locator(warmup);
    await expect.poll(() => poll.locator('[role="status"]').first().textContent(), { timeout: 5000 }).toContain('Poll open');
    // From the top of the page, into the warm-up poll in the lesson.
    await student.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo(/^input\|radio\|.*\|Which fraction is the largest\?$/);
    // Radios: arrows move the choice, Space picks, Tab reaches Vote.
    await student.keyboard.press('Space');
    await student.keyboard.press('ArrowDown');
    await tabTo(/^button\|submit\|Vote\|/, 6);
    await student.keyboard.press('Enter');
    await expect.poll(() => poll.locator('.note').textContent(), { timeout: 5000 }).toContain('Vote recorded');
    expect(await poll.locator('.note').getAttribute('role')).toBe('status');
    await expect.poll(() => teacher.locator(`${warmup} .result .n`).allTextContents(), { timeout: 5000 }).toEqual(['0', '1', '0', '0']);

    await tabTo(/^textarea\|.*\|beckon-chat$/);
    await student.keyboard.type('Done!');
    await student.keyboard.press('Enter');
    await expect.poll(() => student.locator('beckon-chat [role="log"] .text').allTextContents(), { timeout: 5000 }).toEqual(['Done!']);
    expect(await axe(student)).toEqual([]);

  }, 90_000);
});
