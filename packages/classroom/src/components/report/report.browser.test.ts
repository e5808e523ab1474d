import { afterEach, describe, expect, it } from 'vitest';
import { axeViolations } from '../../test-utils/axe.ts';
import { shadow, stage, until } from '../../test-utils/fixture.ts';
import type { Stage } from '../../test-utils/fixture.ts';

let current: Stage | undefined;
afterEach(async () => {
  await current?.cleanup();
  current = undefined;
});

describe('<beckon-report>', () => {
  it('shows the teacher participation per student during class, exports xAPI and CSV, and is absent for students', async () => {
    current = stage();
    const teacher = await current.room('<beckon-report lesson-name="Fractions"></beckon-report>', { teacher: true });
    const ada = await current.room('<beckon-report></beckon-report>', { student: 'Ada' });
    await current.room('<beckon-report></beckon-report>', { student: 'Ben' });
    const report = teacher.querySelector('beckon-report')!;
    ada.classroom!.setHand(true);
    teacher.classroom!.openPoll({ question: 'Is 2/3 > 3/5?', kind: 'yes-no', correct: [0] });
    await until(() => ada.classroom!.poll !== undefined, 'poll');
    ada.classroom!.vote([0]);
    await until(() => teacher.classroom!.poll?.respondents === 1 && teacher.classroom!.hands.hands.length === 1, 'vote and hand');
    await until(() => shadow(report).querySelectorAll('tbody tr').length === 2, 'two rows');
    const rows = [...shadow(report).querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent!.trim()));
    expect(rows.map((r) => [r[0], r[1], r[3], r[4], r[5]])).toEqual([
      ['Ada', 'yes', '1', '1', '1 / 1'],
      ['Ben', 'yes', '0', '0', '–'],
    ]);
    const statements = report.statements();
    // The asking actor is the teacher in the room (her participant id), not a generic one.
    expect(statements.find((s) => s.verb.display['en-US'] === 'asked')!.actor.account.name).toBe(teacher.classroom!.selfId);
    expect(statements.find((s) => s.verb.display['en-US'] === 'answered')!.result).toEqual({ response: 'choice-0', success: true });
    expect(report.csv().split('\r\n')[1]).toMatch(/^Ada,/);
    expect(shadow(ada.querySelector('beckon-report')!).querySelector('table')).toBeNull();
    expect(getComputedStyle(ada.querySelector('beckon-report')!).display).toBe('none');
    expect(await axeViolations(report)).toEqual([]);
  });
});
