import { afterEach, describe, expect, it } from 'vitest';
import { axeViolations } from '../../test-utils/axe.ts';
import { shadow, stage, until } from '../../test-utils/fixture.ts';
import type { Stage } from '../../test-utils/fixture.ts';

let current: Stage | undefined;
afterEach(async () => {
  await current?.cleanup();
  current = undefined;
});

describe('<beckon-reactions> and <beckon-participants>', () => {
  it('passes axe, shows reactions everywhere, and lists people with their hands', async () => {
    current = stage();
    const teacher = await current.room('<beckon-reactions></beckon-reactions><beckon-participants></beckon-participants>', { teacher: true });
    const ada = await current.room('<beckon-reactions></beckon-reactions><beckon-participants></beckon-participants>', { student: 'Ada' });
    expect(await axeViolations(teacher)).toEqual([]);
    expect(await axeViolations(ada)).toEqual([]);
    const summary = shadow(teacher.querySelector('beckon-reactions')).querySelector('[role="status"]')!;
    expect(summary.textContent).toBe('');
    shadow(ada.querySelector('beckon-reactions')).querySelector<HTMLButtonElement>('button[aria-label="React: applause"]')!.click();
    await until(() => summary.textContent === 'Just now: 1 applause', 'reaction at the teacher');
    expect(shadow(teacher.querySelector('beckon-reactions')).querySelector('.chip')!.textContent).toBe('👏Ada');

    const people = shadow(teacher.querySelector('beckon-participants'));
    await until(() => people.querySelectorAll('li').length === 2, 'two people');
    expect(people.querySelector('[role="status"]')!.textContent).toBe('1 student');
    ada.classroom!.setHand(true);
    await until(() => people.querySelector(`[data-participant="${ada.classroom!.selfId}"] [aria-label="hand raised"]`) !== null, 'hand flag');
    expect(await axeViolations(teacher)).toEqual([]);
  });
});
