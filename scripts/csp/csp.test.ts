// Beckon under a strict Content-Security-Policy (`script-src 'self'`, usual on school sites and LMSs): the classroom's
// one-file bundle on a plain page and the classroom demo, each served by a real `beckon serve` with the policy on every
// response, run in Chromium and exchange messages (a raised hand, a vote). Before `beckon gen` v2 the page stayed blank:
// protobufjs reflection compiles codecs with `new Function`, which the policy forbids.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// The repository's own server (scripts/ is not a package that depends on @beckon/cli).
import { startServer } from '../../packages/cli/src/serve/server.ts';
import type { RunningServer } from '../../packages/cli/src/serve/server.ts';
import { chromium } from 'playwright';
import type { Browser, BrowserContext, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumPath } from '../chromium.ts';
import { removeBuild, viteBuild } from '../vite-build.ts';

const policy = "script-src 'self'";
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const packageDir = path.join(repoRoot, 'packages/classroom');
const demoDir = path.join(repoRoot, 'demos/classroom');
const plainDir = mkdtempSync(path.join(tmpdir(), 'beckon-csp-'));
const plainPage = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Strict page</title>
    <script type="module" src="./beckon-classroom.js"></script>
  </head>
  <body>
    <beckon-room room-name="strict" teacher-name="Ms Strict">
      <beckon-poll question="Ready?" kind="yes-no"></beckon-poll>
      <beckon-raise-hand></beckon-raise-hand>
      <beckon-hand-queue></beckon-hand-queue>
    </beckon-room>
  </body>
</html>
`;

/** Records CSP violations in the page (init scripts run before the page's own, whatever the policy). */
function recordViolations(): void {
  const seen: string[] = [];
  (window as unknown as { cspViolations: string[] }).cspViolations = seen;
  document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective}: ${event.blockedURI} ${event.sample}`));
}

const denyDevices = (): void => {
  navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
};

describe(`Beckon under Content-Security-Policy: ${policy}`, () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  let demoDist: string | undefined;

  beforeAll(async () => {
    // Always build: a stale bundle would test old code.
    let bundleDir: string;
    [bundleDir, demoDist] = await Promise.all([viteBuild(packageDir), viteBuild(demoDir)]);
    writeFileSync(path.join(plainDir, 'index.html'), plainPage);
    copyFileSync(path.join(bundleDir, 'beckon-classroom.js'), path.join(plainDir, 'beckon-classroom.js'));
    removeBuild(bundleDir);
    [server, browser] = await Promise.all([
      startServer({ statics: [`/plain=${plainDir}`, `/classroom=${demoDist}`] }),
      // A response Playwright's route fulfils loses its loopback address space, and Chromium's Local Network Access
      // check then blocks the page's WebSocket to the loopback signalling server: turn that check off.
      chromium.launch({
        executablePath: chromiumPath,
        args: [...chromiumArgs, '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights'],
      }),
    ]);
  }, 120_000);

  afterAll(async () => {
    removeBuild(demoDist);
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
    rmSync(plainDir, { recursive: true, force: true });
  });

  const open = async (name: string): Promise<Page> => {
    const context = await browser.newContext();
    contexts.push(context);
    // The policy rides on every response from the server, as a school site would send it.
    await context.route(`${server.url}/**`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } });
    });
    await context.addInitScript(recordViolations);
    await context.addInitScript(denyDevices);
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy|EvalError/i.test(message.text())) errors.push(`${name}: ${message.text()}`);
    });
    return page;
  };

  const violations = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

  it.each([
    ['the one-file bundle on a plain page', '/plain/'],
    ['the classroom demo', '/classroom/'],
  ])('%s: the teacher hosts, a student joins, raises a hand and votes', async (_label, pagePath) => {
    const teacher = await open('teacher');
    const response = await teacher.goto(`${server.url}${pagePath}`);
    expect(response?.headers()['content-security-policy']).toBe(policy);
    // The policy is in force (checked on a page of its own, so the refusal it causes is not counted below).
    const control = await open('control');
    await control.goto(`${server.url}${pagePath}`);
    await control.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.head.append(script);
    });
    await expect.poll(() => violations(control), { timeout: 5000 }).toContainEqual('script-src-elem: inline ');
    expect(await control.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
    await control.context().close();
    errors.length = 0;
    // Opened without an invite: the page asks; this is the teacher.
    await teacher.getByRole('button', { name: 'Start a class' }).click({ timeout: 20_000 });
    const invite = teacher.locator('beckon-room').getByLabel('Invite link');
    await expect.poll(() => invite.inputValue(), { timeout: 20_000 }).toMatch(/#join=class-/);
    const student = await open('student');
    await student.goto(await invite.inputValue());
    await student.getByLabel('Your name').fill('Sam Strict');
    await student.getByRole('button', { name: 'Join class' }).click();
    await student.locator('beckon-raise-hand').getByRole('button', { name: 'Raise hand' }).click({ timeout: 20_000 });
    await expect.poll(() => teacher.locator('beckon-hand-queue li .who').allTextContents(), { timeout: 10_000 }).toEqual(['Sam Strict']);
    const poll = teacher.locator('beckon-poll').first();
    await poll.getByRole('button', { name: 'Start poll' }).click();
    const studentPoll = student.locator('beckon-poll').first();
    await studentPoll.getByRole('radio').first().check({ timeout: 10_000 });
    await studentPoll.getByRole('button', { name: 'Vote' }).click();
    await expect.poll(() => poll.locator('[data-option="0"] .n').textContent(), { timeout: 10_000 }).toBe('1');
    // Nothing was refused by the policy, and nothing failed.
    expect([...(await violations(teacher)), ...(await violations(student))]).toEqual([]);
    expect(errors).toEqual([]);
  }, 90_000);
});
