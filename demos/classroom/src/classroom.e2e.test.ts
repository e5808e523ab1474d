// A teacher and three students, each in their own Chromium context, run the built lesson page against a real
// `beckon serve`: hands, a poll with a student's and the teacher's reload in the middle of it, chat — with the final
// queue and tallies exact. Live video with Chromium's fake camera: the teacher's stream and a called-on student's
// stage decode frames on the others' pages, and ending the stage closes its calls everywhere. Then the package's
// one-file bundle, dropped into a plain static page.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@beckon/cli';
import type { RunningServer } from '@beckon/cli';
import { chromium } from 'playwright';
import type { Browser, BrowserContext, Locator, Page } from 'playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../../scripts/chromium.ts';
import { removeBuild, viteBuild } from '../../../scripts/vite-build.ts';

const demoDir = fileURLToPath(new URL('..', import.meta.url));
/** The demo, built for this file alone. */
let distDir: string;
const packageDir = path.dirname(createRequire(import.meta.url).resolve('@beckon/classroom/package.json'));
// A page that has never heard of vite: static HTML, one module script, the elements.
const plainDir = mkdtempSync(path.join(tmpdir(), 'beckon-plain-'));
const plainPage = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Plain page</title>
    <script type="module" src="./beckon-classroom.js"></script>
  </head>
  <body>
    <beckon-room room-name="plain" teacher-name="Mr Plain">
      <h1>Plain lesson</h1>
      <beckon-poll question="Ready?" kind="yes-no"></beckon-poll>
      <beckon-raise-hand></beckon-raise-hand>
      <beckon-hand-queue></beckon-hand-queue>
    </beckon-room>
  </body>
</html>
`;

/** Runs vite build in `cwd`; rejects with its output if it fails. */
// Set to a directory to save screenshots of the teacher's and a student's view.
const screenshotDir = process.env['BECKON_SCREENSHOTS'];

const warmup = 'beckon-poll[question="Which fraction is the largest?"]';

/** A browser that refuses the camera and microphone: the participant stays in the class with data only. */
const denyDevices = (): void => {
  navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
};

describe('classroom demo in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  // Closed after each test: pages with live video left open would load the next test's machine.
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // Always build: a stale bundle would test old code. The demo page's bundle, and the package's own.
    let bundleDir: string;
    [distDir, bundleDir] = await Promise.all([viteBuild(demoDir), viteBuild(packageDir)]);
    writeFileSync(path.join(plainDir, 'index.html'), plainPage);
    copyFileSync(path.join(bundleDir, 'beckon-classroom.js'), path.join(plainDir, 'beckon-classroom.js'));
    removeBuild(bundleDir);
    [server, browser] = await Promise.all([
      startServer({ statics: [`/classroom=${distDir}`, `/plain=${plainDir}`] }),
      chromium.launch({ executablePath: chromiumPath, args: chromiumArgs }),
    ]);
  }, 60_000);

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  afterAll(async () => {
    removeBuild(distDir);
    await browser?.close();
    await server?.close();
    rmSync(plainDir, { recursive: true, force: true });
  });

  it('runs a lesson: three students raise hands, vote (a student and the teacher reload mid-poll), chat; tallies and queue exact', async () => {
    const errors: string[] = [];
    const open = async (name: string): Promise<Page> => {
      const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
      contexts.push(context);
      // This test checks the data exactly; video has its own test below. Without cameras, four pages do not
      // encode and decode video on a 2-core machine while the tallies are checked.
      await context.addInitScript(denyDevices);
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
      return page;
    };
    const teacher = await open('teacher');
    await teacher.goto(`${server.url}/classroom/`);
    // Opened without an invite: the page asks; this is the teacher.
    await teacher.getByRole('button', { name: 'Start a class' }).click({ timeout: 15_000 });
    const invite = teacher.locator('beckon-room').getByLabel('Invite link');
    // The invite carries the teacher's id, the room secret and the teacher's public key, in the fragment.
    await expect.poll(() => invite.inputValue(), { timeout: 15_000 }).toMatch(/#join=class-[a-z0-9]+\.[\w-]{22}\.[\w-]{87}$/);
    const link = await invite.inputValue();

    const names = ['Ada Lovelace', 'Ben Okafor', 'Chloé Martin'];
    const students: Page[] = [];
    for (const name of names) {
      const page = await open(name);
      await page.goto(link);
      await page.getByLabel('Your name').fill(name);
      await page.getByRole('button', { name: 'Join class' }).click();
      await expect.poll(() => page.locator('beckon-room').getByRole('status').first().textContent(), { timeout: 15_000 }).toContain("Ms Rivera's class");
      students.push(page);
    }
    const [ada, ben, chloe] = students as [Page, Page, Page];
    await expect.poll(() => teacher.locator('beckon-participants').getByRole('status').textContent(), { timeout: 10_000 }).toBe('3 students');

    // Hands, in the order raised: Ben, Chloé, Ada.
    for (const page of [ben, chloe, ada]) {
      await page.locator('beckon-raise-hand').getByRole('button', { name: 'Raise hand' }).click();
      await expect.poll(() => page.locator('beckon-raise-hand').getByRole('button', { name: 'Lower hand' }).count()).toBe(1);
    }
    const queueNames = (page: Page): Promise<string[]> => page.locator('beckon-hand-queue li .who').allTextContents();
    await expect.poll(() => queueNames(teacher), { timeout: 5000 }).toEqual(['Ben Okafor', 'Chloé Martin', 'Ada Lovelace']);
    await expect.poll(() => queueNames(ada), { timeout: 5000 }).toEqual(['Ben Okafor', 'Chloé Martin', 'Ada Lovelace']);
    expect(await ada.locator('beckon-raise-hand [part="position"]').textContent()).toBe('You are 3rd in line');

    // The teacher calls on Ben; Chloé lowers her own hand.
    await teacher.getByRole('button', { name: 'Call on Ben Okafor' }).click();
    await chloe.locator('beckon-raise-hand').getByRole('button', { name: 'Lower hand' }).click();
    await expect.poll(() => queueNames(chloe), { timeout: 5000 }).toEqual(['Ada Lovelace']);
    await expect.poll(() => chloe.locator('beckon-hand-queue .speaking').textContent()).toContain('Ben Okafor has the floor');

    // The warm-up poll: the teacher starts it, everyone votes.
    await teacher.locator(warmup).getByRole('button', { name: 'Start poll' }).click();
    const choose = async (page: Page, option: string, button = 'Vote', selector = warmup): Promise<void> => {
      const poll = page.locator(selector);
      await poll.getByRole('radio', { name: option }).check({ timeout: 10_000 });
      await poll.getByRole('button', { name: button }).click();
    };
    await choose(ada, '⅔');
    await choose(ben, '⅗');
    const count = (page: Page, option: number): Locator => page.locator(`${warmup} [data-option="${option}"] .n`);
    await expect.poll(() => count(teacher, 1).textContent(), { timeout: 5000 }).toBe('1');
    // Tallies are coalesced: Ben's vote may come with the next update.
    await expect.poll(() => teacher.locator(warmup).locator('.missing summary').textContent(), { timeout: 5000 }).toBe('1 not answered yet');

    // Ben reloads mid-poll: he is back as himself, sees the open poll with his vote, and changes it.
    await ben.reload();
    await expect.poll(() => ben.locator(warmup).getByRole('radio', { name: '⅗' }).isChecked(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => queueNames(ben)).toEqual(['Ada Lovelace']);
    await choose(ben, '⅔', 'Change vote');
    await choose(chloe, '½');
    await expect.poll(() => count(teacher, 1).textContent(), { timeout: 5000 }).toBe('2');
    await expect.poll(() => teacher.locator(warmup).locator('.missing summary').textContent(), { timeout: 5000 }).toBe('Everyone has answered');
    await expect.poll(() => teacher.locator('beckon-participants').getByRole('status').textContent()).toBe('3 students');

    // The teacher reloads mid-poll: the class comes back from IndexedDB with the same link, and the students
    // reconnect by themselves; no vote lost or counted twice.
    await teacher.reload();
    await expect.poll(() => invite.inputValue(), { timeout: 20_000 }).toBe(link);
    expect(await count(teacher, 1).textContent()).toBe('2');
    await expect.poll(() => teacher.locator('beckon-participants').getByRole('status').textContent(), { timeout: 15_000 }).toBe('3 students');
    expect(await teacher.locator(`${warmup} .result .n`).allTextContents()).toEqual(['1', '2', '0', '0']);
    expect(await queueNames(teacher)).toEqual(['Ada Lovelace']);

    // Chat, hostile text included, and a private question to the teacher.
    const hostile = 'Is ⅔ > ⅗? <img src=x onerror="window.__pwned=1">';
    const chatBox = (page: Page): Locator => page.locator('beckon-chat').getByRole('textbox', { name: 'Message' });
    await chatBox(ada).fill(hostile);
    await chatBox(ada).press('Enter');
    await chloe.locator('beckon-chat').getByLabel('Private to the teacher').check();
    await chatBox(chloe).fill('Can we go over the benchmark method again?');
    await chatBox(chloe).press('Enter');
    const log = (page: Page): Locator => page.locator('beckon-chat').getByRole('log', { name: 'Chat messages' });
    await expect.poll(() => log(teacher).locator('.text').allTextContents(), { timeout: 5000 }).toEqual([hostile, 'Can we go over the benchmark method again?']);
    await expect.poll(() => log(ben).locator('.text').allTextContents(), { timeout: 5000 }).toEqual([hostile]);
    expect(await log(ben).locator('img').count()).toBe(0);
    expect(await ben.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await teacher.locator('beckon-reactions').getByRole('button', { name: 'React: thumbs up' }).click();
    await ada.locator('beckon-reactions').getByRole('button', { name: 'React: applause' }).click();

    // Close and publish: exact tallies everywhere.
    await teacher.locator(warmup).getByRole('button', { name: 'Publish results' }).click();
    for (const page of [teacher, ada, ben, chloe]) {
      await expect.poll(() => page.locator(`${warmup} .badge`).textContent(), { timeout: 5000 }).toBe('Results published');
      expect(await page.locator(`${warmup} .result .n`).allTextContents()).toEqual(['1', '2', '0', '0']);
      expect(await page.locator(`${warmup} .respondents`).textContent()).toBe('3 people answered');
    }
    expect(await ben.locator(`${warmup} .mine`).textContent()).toBe('Your answer: ⅔');
    expect(await queueNames(teacher)).toEqual(['Ada Lovelace']);

    // The teacher's export: xAPI statements with the votes of this non-anonymous poll.
    const statements = await teacher.evaluate(() =>
      (document.getElementById('class') as unknown as { classroom: { exportXapi(o: object): { verb: { id: string }; actor: { name: string }; result?: { response?: string } }[] } }).classroom.exportXapi({ activityId: 'https://school.example/fractions', lessonName: 'Comparing fractions', homePage: 'https://school.example' }),
    );
    const answered = statements.filter((s) => s.verb.id === 'http://adlnet.gov/expapi/verbs/answered').map((s) => `${s.actor.name}:${s.result?.response}`).sort();
    expect(answered).toEqual(['Ada Lovelace:choice-1', 'Ben Okafor:choice-1', 'Chloé Martin:choice-0']);
    expect(statements.filter((s) => s.verb.id.endsWith('/raised-hand')).length).toBe(3);
    expect(errors).toEqual([]);

    if (screenshotDir !== undefined) {
      mkdirSync(screenshotDir, { recursive: true });
      // A live moment: the quiz open with a vote in, a hand up, reactions arriving; the published warm-up above.
      await teacher.locator('beckon-poll[kind="true-false"]').getByRole('button', { name: 'Start quiz' }).click();
      const quiz = 'beckon-poll[kind="true-false"]';
      await choose(ada, 'False', 'Vote', quiz);
      await choose(chloe, 'True', 'Vote', quiz);
      await ben.locator('beckon-raise-hand').getByRole('button', { name: 'Raise hand' }).click();
      await ada.locator('beckon-reactions').getByRole('button', { name: 'React: thinking' }).click();
      await chloe.locator('beckon-reactions').getByRole('button', { name: 'React: applause' }).click();
      await expect.poll(() => queueNames(teacher)).toEqual(['Ada Lovelace', 'Ben Okafor']);
      for (const page of [teacher, ada]) {
        await page.evaluate(() => {
          document.querySelector('beckon-poll[kind="true-false"]')!.scrollIntoView({ block: 'end' });
          (document.activeElement as HTMLElement | null)?.blur();
        });
      }
      await teacher.waitForTimeout(300);
      await teacher.screenshot({ path: path.join(screenshotDir, 'classroom-teacher.png') });
      await ada.screenshot({ path: path.join(screenshotDir, 'classroom-student.png') });
    }
  }, 90_000);

  it('carries live video: the teacher to every student, a called-on student on stage to everyone, until the teacher is done', async () => {
    const errors: string[] = [];
    const open = async (name: string, init?: () => void): Promise<Page> => {
      const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
      contexts.push(context);
      if (init) await context.addInitScript(init);
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
      return page;
    };
    type Media = {
      tiles: { name: string; self: boolean; participantId: string }[];
      remotes: Map<string, { call: { peerConnection?: RTCPeerConnection } }>;
      onStage: boolean;
      receiveStats(id: string): Promise<{ framesDecoded: number } | undefined>;
    };
    // Frames decoded from `name`'s stream on `page` (getStats through the media API), not merely an element present.
    const frames = (page: Page, name: string): Promise<number> =>
      page.evaluate(async (name) => {
        const media = (document.getElementById('class') as unknown as { media?: Media }).media;
        const tile = media?.tiles.find((candidate) => candidate.name === name && !candidate.self);
        return tile ? ((await media!.receiveStats(tile.participantId))?.framesDecoded ?? 0) : 0;
      }, name);
    const tileNames = (page: Page): Promise<string[]> =>
      page.evaluate(() => ((document.getElementById('class') as unknown as { media?: Media }).media?.tiles ?? []).map((tile) => tile.name));
    const stageState = (page: Page): Promise<string> => page.locator('beckon-hand-queue [part="stage-state"]').textContent({ timeout: 10_000 }).then((text) => text ?? '');

    const teacher = await open('teacher');
    await teacher.goto(`${server.url}/classroom/`);
    // Opened without an invite: the page asks; this is the teacher.
    await teacher.getByRole('button', { name: 'Start a class' }).click({ timeout: 15_000 });
    const invite = teacher.locator('beckon-room').getByLabel('Invite link');
    await expect.poll(() => invite.inputValue(), { timeout: 15_000 }).toContain('#join=');
    const link = await invite.inputValue();
    const join = async (page: Page, name: string): Promise<void> => {
      await page.goto(link);
      await page.getByLabel('Your name').fill(name);
      await page.getByRole('button', { name: 'Join class' }).click();
      await expect.poll(() => page.locator('beckon-room').getByRole('status').first().textContent(), { timeout: 15_000 }).toContain("Ms Rivera's class");
    };
    const ada = await open('Ada Lovelace');
    const ben = await open('Ben Okafor');
    await Promise.all([join(ada, 'Ada Lovelace'), join(ben, 'Ben Okafor')]);

    // The teacher's camera reaches every student; no student publishes yet.
    for (const page of [ada, ben]) await expect.poll(() => frames(page, 'Ms Rivera'), { timeout: 25_000 }).toBeGreaterThan(10);
    expect(await tileNames(ada)).toEqual(['Ms Rivera']);

    // Ben raises his hand, the teacher calls on him: he is invited on stage, accepts, and everyone sees and hears him.
    await ben.locator('beckon-raise-hand').getByRole('button', { name: 'Raise hand' }).click();
    await teacher.getByRole('button', { name: 'Call on Ben Okafor' }).click({ timeout: 10_000 });
    await expect.poll(() => stageState(teacher)).toBe('Invited on stage…');
    await ben.locator('beckon-media-controls').getByRole('button', { name: 'Join stage' }).click({ timeout: 10_000 });
    await expect.poll(() => frames(ada, 'Ben Okafor'), { timeout: 25_000 }).toBeGreaterThan(10);
    await expect.poll(() => frames(teacher, 'Ben Okafor'), { timeout: 25_000 }).toBeGreaterThan(10);
    expect(await tileNames(ada)).toEqual(['Ms Rivera', 'Ben Okafor']);
    for (const page of [teacher, ada]) await expect.poll(() => stageState(page)).toBe('On stage');

    // Ben mutes his microphone: the tiles on the others' pages say so.
    await ben.locator('beckon-media-controls').getByRole('button', { name: 'Microphone' }).click();
    for (const page of [teacher, ada]) {
      await page.locator('beckon-video-grid').getByRole('group', { name: 'Ben Okafor: on stage, microphone muted' }).waitFor({ timeout: 5000 });
    }

    // Ada raises her hand while Ben is on stage: the queue goes on beside the video.
    await ada.locator('beckon-raise-hand').getByRole('button', { name: 'Raise hand' }).click();
    await expect.poll(() => teacher.locator('beckon-hand-queue li .who').allTextContents()).toEqual(['Ada Lovelace']);

    if (screenshotDir !== undefined) {
      mkdirSync(screenshotDir, { recursive: true });
      await ada.locator('beckon-chat').getByRole('textbox', { name: 'Message' }).fill('Is 4/9 less than 1/2 because 4.5 would be half?');
      await ada.locator('beckon-chat').getByRole('textbox', { name: 'Message' }).press('Enter');
      await ada.locator('beckon-reactions').getByRole('button', { name: 'React: thinking' }).click();
      for (const page of [teacher, ada]) {
        await page.evaluate(() => {
          (document.activeElement as HTMLElement | null)?.blur();
          window.scrollTo(0, 0);
        });
      }
      await teacher.waitForTimeout(500);
      await teacher.screenshot({ path: path.join(screenshotDir, 'classroom-video-teacher.png') });
      await ada.screenshot({ path: path.join(screenshotDir, 'classroom-video-student.png') });
    }

    // The teacher is done with Ben: his calls close on every page, his stage ends, and the teacher's video goes on.
    const benId = await ben.evaluate(() => (document.getElementById('class') as unknown as { classroom: { room: { selfId: string } } }).classroom.room.selfId);
    for (const page of [teacher, ada]) {
      await page.evaluate((id) => {
        const media = (document.getElementById('class') as unknown as { media: Media }).media;
        (window as unknown as { __benPc: RTCPeerConnection }).__benPc = media.remotes.get(id)!.call.peerConnection!;
      }, benId);
    }
    await teacher.locator('beckon-hand-queue').getByRole('button', { name: 'Done' }).click();
    for (const page of [teacher, ada]) {
      await expect.poll(() => tileNames(page), { timeout: 10_000 }).not.toContain('Ben Okafor');
      await expect.poll(() => page.evaluate((id) => (document.getElementById('class') as unknown as { media: Media }).media.remotes.has(id), benId)).toBe(false);
      await expect.poll(() => page.evaluate(() => (window as unknown as { __benPc: RTCPeerConnection }).__benPc.connectionState), { timeout: 5000 }).toBe('closed');
    }
    await expect.poll(() => ben.evaluate(() => (document.getElementById('class') as unknown as { media: Media }).media.onStage)).toBe(false);
    const before = await frames(ada, 'Ms Rivera');
    await expect.poll(() => frames(ada, 'Ms Rivera'), { timeout: 10_000 }).toBeGreaterThan(before + 5);

    // Chloé says no to the camera and microphone: she is in the class with data only, told why, and still watches.
    const chloe = await open('Chloé Martin', denyDevices);
    await join(chloe, 'Chloé Martin');
    await expect
      .poll(() => chloe.locator('beckon-media-controls').getByRole('status').textContent(), { timeout: 10_000 })
      .toMatch(/Permission to use the camera or microphone was denied\. You are in the room with data only/);
    expect(await chloe.locator('beckon-media-controls').getByRole('button', { name: 'Camera' }).isDisabled()).toBe(true);
    await expect.poll(() => frames(chloe, 'Ms Rivera'), { timeout: 25_000 }).toBeGreaterThan(10);
    await chloe.locator('beckon-raise-hand').getByRole('button', { name: 'Raise hand' }).click();
    await expect.poll(() => teacher.locator('beckon-hand-queue li .who').allTextContents()).toEqual(['Ada Lovelace', 'Chloé Martin']);
    if (screenshotDir !== undefined) {
      await chloe.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await chloe.screenshot({ path: path.join(screenshotDir, 'classroom-video-no-camera.png') });
    }
    expect(errors).toEqual([]);
  }, 90_000);

  it('works from the one-file bundle on a plain static page: the teacher hosts, a student joins by link and raises a hand', async () => {
    const errors: string[] = [];
    const requests: string[] = [];
    const open = async (name: string): Promise<Page> => {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
      page.on('request', (request) => requests.push(request.url()));
      return page;
    };
    const teacher = await open('teacher');
    await teacher.goto(`${server.url}/plain/`);
    // Opened without an invite: the page asks; this is the teacher.
    await teacher.getByRole('button', { name: 'Start a class' }).click({ timeout: 15_000 });
    const invite = teacher.locator('beckon-room').getByLabel('Invite link');
    await expect.poll(() => invite.inputValue(), { timeout: 15_000 }).toMatch(/\/plain\/#join=class-[a-z0-9]+\.[\w-]+\.[\w-]+$/);
    const student = await open('student');
    await student.goto(await invite.inputValue());
    await student.getByLabel('Your name').fill('Pat Plain');
    await student.getByRole('button', { name: 'Join class' }).click();
    await student.locator('beckon-raise-hand').getByRole('button', { name: 'Raise hand' }).click({ timeout: 15_000 });
    await expect.poll(() => teacher.locator('beckon-hand-queue li .who').allTextContents(), { timeout: 5000 }).toEqual(['Pat Plain']);
    await teacher.locator('beckon-poll').getByRole('button', { name: 'Start poll' }).click();
    await student.locator('beckon-poll').getByRole('radio', { name: 'Yes' }).check({ timeout: 5000 });
    await student.locator('beckon-poll').getByRole('button', { name: 'Vote' }).click();
    await expect.poll(() => teacher.locator('beckon-poll [data-option="0"] .n').textContent(), { timeout: 5000 }).toBe('1');
    expect(errors).toEqual([]);
    // Everything came from this origin: the page, the one file, and the signalling server.
    expect(requests.filter((url) => !url.startsWith(server.url))).toEqual([]);
    expect(new Set(requests.map((url) => new URL(url).pathname.replace(/\/peerjs\/.*/, '/peerjs/…')))).toEqual(
      new Set(['/plain/', '/plain/beckon-classroom.js', '/peerjs/…']),
    );
  }, 30_000);
});
