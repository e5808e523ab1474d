import { afterEach, describe, expect, it } from 'vitest';
import { axeViolations } from '../../test-utils/axe.ts';
import { shadow, stage, until } from '../../test-utils/fixture.ts';
import type { Stage } from '../../test-utils/fixture.ts';

let current: Stage | undefined;
afterEach(async () => {
  await current?.cleanup();
  current = undefined;
});

const prepared = '<beckon-poll question="Which fraction is largest?" kind="custom" options="1/2|2/3|3/5" correct="1"></beckon-poll>';

describe('<beckon-poll>', () => {
  it('passes axe; the teacher starts a prepared poll, students vote and change votes, results are live and published', async () => {
    current = stage();
    const teacher = await current.room(prepared, { teacher: true });
    const ada = await current.room(prepared, { student: 'Ada' });
    const ben = await current.room(prepared, { student: 'Ben' });
    const tPoll = teacher.querySelector('beckon-poll')!;
    const aPoll = ada.querySelector('beckon-poll')!;
    const bPoll = ben.querySelector('beckon-poll')!;
    expect(await axeViolations(teacher)).toEqual([]);
    expect(await axeViolations(ada)).toEqual([]);
    const status = shadow(aPoll).querySelector('[role="status"]')!;
    expect(status.textContent).toBe('');

    const opened: string[] = [];
    teacher.addEventListener('beckon-poll-change', (e) => opened.push(e.action));
    [...shadow(tPoll).querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Start poll')!.click();
    await until(() => shadow(aPoll).querySelectorAll('input[type="radio"]').length === 3, 'ballot at Ada');
    expect(opened).toEqual(['open']);
    // The same status element, now telling what happened.
    expect(shadow(aPoll).querySelector('[role="status"]')).toBe(status);
    expect(status.textContent).toContain('Poll open');
    expect(await axeViolations(ada)).toEqual([]);

    const vote = async (poll: Element, index: number): Promise<void> => {
      shadow(poll).querySelectorAll<HTMLInputElement>('input[type="radio"]')[index]!.click();
      await (poll as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
      shadow(poll).querySelector<HTMLButtonElement>('.ballot button[type="submit"]')!.click();
    };
    await vote(aPoll, 0);
    await until(() => shadow(bPoll).querySelectorAll('input[type="radio"]').length === 3, 'ballot at Ben');
    await vote(bPoll, 1);
    await until(() => teacher.classroom!.poll?.respondents === 2, 'two votes');
    await vote(aPoll, 1); // Ada changes her mind
    await until(() => teacher.classroom!.poll?.counts.join() === '0,2,0', 'changed vote');
    expect(teacher.classroom!.poll!.respondents).toBe(2);
    await until(() => shadow(bPoll).querySelector('[data-option="1"] .n')?.textContent === '2', 'live results at Ben');
    expect(shadow(tPoll).querySelector('.missing summary')!.textContent).toBe('Everyone has answered');

    [...shadow(tPoll).querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Publish results')!.click();
    await until(() => shadow(aPoll).querySelector('.badge')?.textContent === 'Results published', 'published');
    expect(shadow(aPoll).querySelector('[data-option="1"]')!.hasAttribute('data-correct')).toBe(true);
    expect(shadow(aPoll).querySelector('.mine')!.textContent).toBe('Your answer: 2/3');
    expect(status.textContent).toContain('Results published. 2 answered.');
    expect(opened).toEqual(['open', 'publish']);
    expect(await axeViolations(ada)).toEqual([]);
  });

  it('composes a free-text anonymous poll whose hostile answers stay text', async () => {
    current = stage();
    const teacher = await current.room('<beckon-poll></beckon-poll>', { teacher: true });
    const ada = await current.room('<beckon-poll></beckon-poll>', { student: 'Ada' });
    const tPoll = teacher.querySelector('beckon-poll')!;
    expect(await axeViolations(teacher)).toEqual([]);
    teacher.classroom!.openPoll({ question: 'One word for today?', kind: 'free-text', anonymous: true });
    const aPoll = ada.querySelector('beckon-poll')!;
    await until(() => shadow(aPoll).querySelector('textarea') !== null, 'free-text box');
    const box = shadow(aPoll).querySelector('textarea')!;
    box.value = '<img src=x onerror="window.__pwned=1">';
    box.dispatchEvent(new InputEvent('input'));
    await (aPoll as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    shadow(aPoll).querySelector<HTMLButtonElement>('.ballot button[type="submit"]')!.click();
    await until(() => shadow(tPoll).querySelector('.texts li') !== null, 'answer at the teacher');
    expect(shadow(tPoll).querySelector('.texts li')!.textContent).toBe('<img src=x onerror="window.__pwned=1">');
    expect(shadow(tPoll).querySelector('img')).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
    // Anonymous: nobody's name, and no "not answered" list.
    expect(shadow(tPoll).querySelector('.missing')).toBeNull();
    expect(teacher.classroom!.poll!.answered).toEqual([]);
  });
});
