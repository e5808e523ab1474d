// A class of 30 on the real lesson page (issue #16): the teacher's Chromium tab hosts, as it does by default; 30
// students are Node `Classroom`s over node-datachannel through a real `beckon serve`. The teacher asks from the
// page's composer, the whole class answers at once, and every student's tally ends equal to the teacher's.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@beckon/cli';
import type { RunningServer } from '@beckon/cli';
import { joinRoom, parseInvite } from '@beckon/core';
import type { MemberRoom } from '@beckon/core';
import { Classroom, classroomTypes } from '@beckon/classroom';
import { createPeerJsTransport } from '@beckon/peerjs';
import { cleanupNodeWebRTC, installNodeWebRTC } from '@beckon/peerjs/node';
import { chromium } from 'playwright';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../../scripts/chromium.ts';
import { removeBuild, viteBuild } from '../../../scripts/vite-build.ts';

const demoDir = fileURLToPath(new URL('..', import.meta.url));
/** The demo, built for this file alone. */
let distDir: string;

const until = async (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> => {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('a class of 30 with the teacher’s tab hosting', () => {
  let server: RunningServer;
  let browser: Browser;
  const rooms: MemberRoom[] = [];

  beforeAll(async () => {
    installNodeWebRTC();
    distDir = await viteBuild(demoDir);
    [server, browser] = await Promise.all([startServer({ statics: [`/classroom=${distDir}`] }), chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })]);
  }, 60_000);

  afterAll(async () => {
    removeBuild(distDir);
    await Promise.all(rooms.map((room) => room.leave().catch(() => {})));
    await browser?.close();
    await server?.close();
    cleanupNodeWebRTC();
  });

  it('30 students answer a composed question at once; every tally equals the teacher’s', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    // Granted, so the page's ICE candidates are plain loopback addresses a Node peer can reach (not mDNS names);
    // no camera is opened (the data is what this test checks).
    await context.grantPermissions(['camera', 'microphone']);
    await context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    const teacher = await context.newPage();
    const errors: string[] = [];
    teacher.on('pageerror', (error) => errors.push(error.message));
    await teacher.goto(`${server.url}/classroom/`);
    await teacher.getByRole('button', { name: 'Start a class' }).click({ timeout: 15_000 });
    const inviteField = teacher.locator('beckon-room').getByLabel('Invite link');
    await until(async () => /#join=/.test(await inviteField.inputValue()), 'the invite link');
    const value = new URLSearchParams(new URL(await inviteField.inputValue()).hash.slice(1)).get('join')!;
    const invite = parseInvite(value)!;

    const students: Classroom[] = [];
    const signal = { host: server.host, port: server.port, path: server.path, iceServers: [] };
    // Ten at a time, as a class opening the link over a minute or so.
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < 30) {
          const n = next++;
          const transport = await createPeerJsTransport(signal);
          rooms.push(await joinRoom({ transport, hostId: invite.host, name: `Student ${n + 1}`, invite, types: classroomTypes, joinTimeoutMs: 20_000 }, (r) => students.push(new Classroom(r))));
        }
      }),
    );
    await until(async () => (await teacher.locator('beckon-participants').getByRole('status').textContent()) === '30 students', '30 students on the page');

    const composer = teacher.locator('#tool-poll beckon-poll');
    await composer.getByRole('textbox', { name: 'Question', exact: true }).fill('Which fraction is closest to 1/2?');
    await composer.getByRole('combobox', { name: 'Answers', exact: true }).selectOption('letters');
    await composer.getByRole('combobox', { name: 'Students see the results' }).selectOption('live');
    await composer.getByRole('button', { name: 'Start poll' }).click();
    await until(() => students.every((s) => s.poll?.question === 'Which fraction is closest to 1/2?'), 'the question at every student');

    students.forEach((student, i) => student.vote([i % 4]));
    const expected = '8,8,7,7';
    await until(async () => (await composer.locator('.result .n').allTextContents()).join() === expected, 'every answer on the teacher’s page');
    await until(() => students.every((s) => s.poll?.counts.join() === expected), 'every student’s tally equal to the teacher’s');
    await until(() => students.every((s) => s.ballotStatus?.state === 'recorded'), 'every ballot recorded by the host');
    expect(await composer.locator('.respondents').textContent()).toBe('30 people answered');
    expect(students.map((s) => s.poll!.respondents)).toEqual(students.map(() => 30));
    // Nobody's page learnt who answered: that stays with the teacher.
    expect(students.every((s) => s.poll!.answered.length === 0)).toBe(true);
    expect(errors).toEqual([]);
    for (const student of students) student.dispose();
    await context.close();
  }, 120_000);
});
