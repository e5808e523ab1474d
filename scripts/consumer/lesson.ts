// A lesson between two Chromium pages of a consumer app: the teacher's page hosts, a student opens the invite link,
// joins, and votes in the teacher's poll; the teacher's tally counts the vote.
import type { Browser, Page } from 'playwright';
import { expect } from 'vitest';

export interface LessonResult {
  /** Every WebSocket the pages opened: the signalling connections. */
  readonly sockets: string[];
  /** Uncaught errors on either page. */
  readonly errors: string[];
  /** `globalThis.litElementVersions` on the teacher's page: one entry per copy of lit loaded. */
  readonly litCopies: number;
}

/** `option` is the answer's label, `optionIndex` its place in the poll. */
export async function runLesson(browser: Browser, pageUrl: string, option: string, optionIndex: number): Promise<LessonResult> {
  const sockets: string[] = [];
  const errors: string[] = [];
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  try {
    const open = async (index: 0 | 1, who: string): Promise<Page> => {
      const page = await contexts[index].newPage();
      page.on('pageerror', (error) => errors.push(`${who}: ${error.message}`));
      page.on('websocket', (socket) => sockets.push(socket.url()));
      return page;
    };
    const teacher = await open(0, 'teacher');
    await teacher.goto(pageUrl);
    // A page opened without an invite asks who you are: the teacher starts the class.
    await teacher.getByRole('button', { name: 'Start a class' }).click({ timeout: 15_000 });
    const invite = teacher.locator('beckon-room').getByLabel('Invite link');
    await expect.poll(() => invite.inputValue(), { timeout: 20_000 }).toMatch(/#join=class-[a-z0-9]+\.[\w-]+\.[\w-]+$/);

    const student = await open(1, 'student');
    await student.goto(await invite.inputValue());
    await student.getByLabel('Your name').fill('Robin Reader');
    await student.getByRole('button', { name: 'Join class' }).click();

    await teacher.locator('beckon-poll').getByRole('button', { name: 'Start poll' }).click({ timeout: 15_000 });
    await student.locator('beckon-poll').getByRole('radio', { name: option }).check({ timeout: 15_000 });
    await student.locator('beckon-poll').getByRole('button', { name: 'Vote' }).click();
    const tally = teacher.locator(`beckon-poll [data-option="${optionIndex}"] .n`);
    await expect.poll(() => tally.textContent(), { timeout: 10_000 }).toBe('1');
    await expect(student.locator('beckon-poll').getByText('Vote recorded').waitFor({ timeout: 10_000 })).resolves.toBeUndefined();
    const litCopies = await teacher.evaluate(() => ((globalThis as { litElementVersions?: unknown[] }).litElementVersions ?? []).length);
    return { sockets, errors, litCopies };
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
  }
}
