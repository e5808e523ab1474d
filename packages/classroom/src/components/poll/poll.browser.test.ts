import { afterEach, describe, expect, it } from 'vitest';
import { PollStatus } from '../../gen/classroom.ts';
import { axeViolations } from '../../test-utils/axe.ts';
import { shadow, stage, until } from '../../test-utils/fixture.ts';
import type { Stage } from '../../test-utils/fixture.ts';

let current: Stage | undefined;
afterEach(async () => {
  await current?.cleanup();
  current = undefined;
});

// A quiz (it has a correct answer) whose teacher chose live results.
const prepared = '<beckon-poll question="Which fraction is largest?" kind="custom" options="1/2|2/3|3/5" correct="1" results="live"></beckon-poll>';

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
    expect(shadow(tPoll).querySelector('.texts li .answer-text')!.textContent).toBe('<img src=x onerror="window.__pwned=1">');
    expect(shadow(tPoll).querySelector('img')).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
    // Anonymous: nobody's name, and no "not answered" list.
    expect(shadow(tPoll).querySelector('.missing')).toBeNull();
    expect(teacher.classroom!.poll!.answered).toEqual([]);
  });
});

type Lit = HTMLElement & { updateComplete: Promise<unknown> };
const settle = (el: Element): Promise<unknown> => (el as Lit).updateComplete;
const button = (el: Element, text: string): HTMLButtonElement => {
  const found = [...shadow(el).querySelectorAll('button')].find((b) => b.textContent?.trim() === text);
  if (!found) throw new Error(`no button "${text}"`);
  return found;
};

describe('<beckon-poll> v2', () => {
  it('starts a new poll in the same card with nothing selected, says "recorded" only after the verdict, and keeps a refused choice', async () => {
    current = stage();
    const teacher = await current.room('<beckon-poll></beckon-poll>', { teacher: true });
    const ada = await current.room('<beckon-poll></beckon-poll>', { student: 'Ada' });
    const aPoll = ada.querySelector('beckon-poll')!;
    teacher.classroom!.openPoll({ question: 'Which are even?', kind: 'letters', multiple: true });
    await until(() => shadow(aPoll).querySelectorAll('input[type="checkbox"]').length === 4, 'several-answers ballot');
    const boxes = shadow(aPoll).querySelectorAll<HTMLInputElement>('input[type="checkbox"]');
    boxes[1]!.click();
    boxes[3]!.click();
    await settle(aPoll);
    shadow(aPoll).querySelector<HTMLButtonElement>('.ballot button[type="submit"]')!.click();
    await until(() => shadow(aPoll).querySelector('.note')?.textContent?.includes('Vote recorded') === true, 'recorded');
    teacher.classroom!.closePoll();
    teacher.classroom!.openPoll({ question: 'Ready?', kind: 'yes-no' });
    await until(() => shadow(aPoll).querySelectorAll('input[type="radio"]').length === 2, 'the next poll');
    // Nothing carried over: no option checked, nothing said about a vote, Vote disabled.
    expect([...shadow(aPoll).querySelectorAll<HTMLInputElement>('input[type="radio"]')].some((r) => r.checked)).toBe(false);
    expect(shadow(aPoll).querySelector('.note')!.textContent).toBe('');
    expect(shadow(aPoll).querySelector<HTMLButtonElement>('.ballot button[type="submit"]')!.disabled).toBe(true);

    // The host refuses this ballot (the poll closes as Ada votes): she is told why, and her pick stays.
    shadow(aPoll).querySelectorAll<HTMLInputElement>('input[type="radio"]')[0]!.click();
    await settle(aPoll);
    teacher.classroom!.closePoll();
    shadow(aPoll).querySelector<HTMLButtonElement>('.ballot button[type="submit"]')!.click();
    await settle(aPoll);
    // Sent before Ada's page heard of the close: the host's verdict is what counts.
    expect(shadow(aPoll).querySelector('.note')!.textContent).toBe('Sending your vote…');
    await until(() => ada.classroom!.ballotStatus?.state === 'refused', 'the verdict');
    expect(ada.classroom!.ballotStatus!.reason).toBe('the poll is closed');
    await until(() => ada.classroom!.poll?.status === PollStatus.CLOSED, 'the close');
    await settle(aPoll);
    expect(shadow(aPoll).querySelector('.mine')).toBeNull();
    expect(ada.classroom!.ballot).toBeUndefined();
    expect(teacher.classroom!.poll!.respondents).toBe(0);
  });

  it('shows a refused ballot as refused, in a live region, with the choice still editable', async () => {
    current = stage();
    const teacher = await current.room('<beckon-poll></beckon-poll>', { teacher: true });
    const ada = await current.room('<beckon-poll></beckon-poll>', { student: 'Ada' });
    const aPoll = ada.querySelector('beckon-poll')!;
    teacher.classroom!.openPoll({ question: 'Ready?', kind: 'yes-no' });
    await until(() => shadow(aPoll).querySelectorAll('input[type="radio"]').length === 2, 'ballot');
    // The teacher's side refuses every ballot (as it would one for a poll that just ended).
    teacher.classroom!.room.on((await import('../../gen/classroom.ts')).Vote, (_v, meta) => meta.reject('the teacher paused voting'));
    const region = shadow(aPoll).querySelector('.note')!;
    expect(region.getAttribute('role')).toBe('status');
    shadow(aPoll).querySelectorAll<HTMLInputElement>('input[type="radio"]')[1]!.click();
    await settle(aPoll);
    shadow(aPoll).querySelector<HTMLButtonElement>('.ballot button[type="submit"]')!.click();
    await until(() => region.textContent?.startsWith('Not recorded') === true, 'refusal shown');
    expect(shadow(aPoll).querySelector('.note')).toBe(region);
    expect(region.textContent).toContain('the teacher paused voting');
    expect(shadow(aPoll).querySelectorAll<HTMLInputElement>('input[type="radio"]')[1]!.checked).toBe(true);
    expect(shadow(aPoll).querySelector<HTMLButtonElement>('.ballot button[type="submit"]')!.disabled).toBe(false);
  });

  it('hides results from a late joiner until she answers, and from everyone in a quiz until published', async () => {
    current = stage();
    const teacher = await current.room('<beckon-poll></beckon-poll>', { teacher: true });
    const ada = await current.room('<beckon-poll></beckon-poll>', { student: 'Ada' });
    teacher.classroom!.openPoll({ question: '4/9 > 1/2?', kind: 'true-false' });
    await until(() => ada.classroom!.poll !== undefined, 'poll at Ada');
    ada.classroom!.vote([1]);
    await until(() => teacher.classroom!.poll?.respondents === 1, 'vote');
    const late = await current.room('<beckon-poll></beckon-poll>', { student: 'Lou' });
    const lPoll = late.querySelector('beckon-poll')!;
    await until(() => shadow(lPoll).querySelectorAll('input[type="radio"]').length === 2, 'ballot at Lou');
    expect(shadow(lPoll).querySelector('.results')).toBeNull();
    expect(shadow(lPoll).textContent).not.toContain('50%');
    expect(shadow(lPoll).querySelector('.withheld')!.textContent).toContain('once you have answered');
    shadow(lPoll).querySelectorAll<HTMLInputElement>('input[type="radio"]')[0]!.click();
    await settle(lPoll);
    shadow(lPoll).querySelector<HTMLButtonElement>('.ballot button[type="submit"]')!.click();
    await until(() => shadow(lPoll).querySelector('.results') !== null, 'results once answered');
    expect(shadow(lPoll).querySelector('[data-option="0"] .n')!.textContent).toBe('1');
  });

  it('lets the teacher compose every kind of question; students see it without prepared markup', async () => {
    current = stage();
    const teacher = await current.room('<beckon-poll></beckon-poll>', { teacher: true });
    const ada = await current.room('<beckon-poll question="A prepared one" kind="yes-no"></beckon-poll><beckon-poll></beckon-poll>', { student: 'Ada' });
    const tPoll = teacher.querySelector('beckon-poll')!;
    const [prepared, generic] = [...ada.querySelectorAll('beckon-poll')] as Element[] as [Element, Element];
    const composer = (): ShadowRoot => shadow(tPoll);
    const kinds = ['yes-no', 'yes-no-abstain', 'true-false', 'letters', 'custom', 'free-text'] as const;
    const optionCounts = { 'yes-no': 2, 'yes-no-abstain': 3, 'true-false': 2, letters: 4, custom: 3, 'free-text': 0 };
    for (const kind of kinds) {
      const q = composer().querySelector<HTMLInputElement>('#q')!;
      q.value = `Question ${kind}?`;
      q.dispatchEvent(new InputEvent('input'));
      const select = composer().querySelector<HTMLSelectElement>('#kind')!;
      select.value = kind;
      select.dispatchEvent(new Event('change'));
      await settle(tPoll);
      if (kind === 'custom') {
        const opts = composer().querySelector<HTMLTextAreaElement>('#opts')!;
        opts.value = 'red\ngreen\nblue';
        opts.dispatchEvent(new InputEvent('input'));
        await settle(tPoll);
      }
      if (kind === 'letters') {
        composer().querySelector<HTMLInputElement>('input[name="multiple"]')!.click();
        await settle(tPoll);
      }
      if (kind === 'true-false') {
        // A correct answer and a timer make it a quiz.
        composer().querySelectorAll<HTMLInputElement>('input[name="correct"]')[0]!.click();
        const timer = composer().querySelector<HTMLInputElement>('#timer')!;
        timer.value = '30';
        timer.dispatchEvent(new InputEvent('input'));
        await settle(tPoll);
      }
      if (kind === 'free-text') {
        composer().querySelector<HTMLInputElement>('input[name="anonymous"]')!.click();
        await settle(tPoll);
      }
      expect(await axeViolations(tPoll)).toEqual([]);
      composer().querySelector<HTMLButtonElement>('.composer button[type="submit"]')!.click();
      await until(() => ada.classroom!.poll?.question === `Question ${kind}?`, `${kind} at Ada`);
      await settle(generic);
      const inputs = shadow(generic).querySelectorAll('.ballot input');
      expect(inputs.length).toBe(optionCounts[kind]);
      if (kind === 'free-text') expect(shadow(generic).querySelector('.ballot textarea')).not.toBeNull();
      expect(shadow(prepared).textContent).toContain("hasn't opened this poll yet");
      const poll = teacher.classroom!.data!.polls.at(-1)!;
      if (kind === 'letters') expect(poll.multiple).toBe(true);
      if (kind === 'true-false') expect(poll).toMatchObject({ correct: [0], results: 'after-publish' });
      if (kind === 'free-text') expect(poll.anonymous).toBe(true);
      if (kind === 'custom') expect(poll.options).toEqual(['red', 'green', 'blue']);
      button(tPoll, 'Close poll').click();
      await settle(tPoll);
      button(tPoll, 'New poll').click();
      await settle(tPoll);
    }
  });

  it("keeps a prepared card's published results for a late joiner, and the teacher's not-answered list after closing", async () => {
    current = stage();
    const markup = '<beckon-poll question="Ready?" kind="yes-no"></beckon-poll>';
    const teacher = await current.room(markup, { teacher: true });
    const ada = await current.room(markup, { student: 'Ada' });
    await current.room(markup, { student: 'Ben' });
    const tPoll = teacher.querySelector('beckon-poll')!;
    button(tPoll, 'Start poll').click();
    await until(() => ada.classroom!.poll !== undefined, 'poll');
    ada.classroom!.vote([0]);
    await until(() => teacher.classroom!.poll?.respondents === 1, 'vote');
    button(tPoll, 'Close poll').click();
    await settle(tPoll);
    expect(shadow(tPoll).querySelector('.missing summary')!.textContent).toBe('1 not answered yet');
    expect(shadow(tPoll).querySelector('.missing li')!.textContent).toBe('Ben');
    button(tPoll, 'Publish results').click();
    teacher.classroom!.openPoll({ question: 'Another', kind: 'letters' });
    const late = await current.room(markup, { student: 'Lou' });
    const lPoll = late.querySelector('beckon-poll')!;
    await until(() => shadow(lPoll).querySelector('.badge')?.textContent === 'Results published', 'published results at Lou');
    expect(shadow(lPoll).querySelector('[data-option="0"] .n')!.textContent).toBe('1');
    expect(await axeViolations(late)).toEqual([]);
  });

  it('shows a late joiner the results of earlier ad-hoc polls in the generic card', async () => {
    current = stage();
    const teacher = await current.room('<beckon-poll></beckon-poll>', { teacher: true });
    const ada = await current.room('<beckon-poll></beckon-poll>', { student: 'Ada' });
    teacher.classroom!.openPoll({ question: 'Ad hoc one?', kind: 'yes-no' });
    await until(() => ada.classroom!.poll !== undefined, 'poll');
    ada.classroom!.vote([1]);
    await until(() => teacher.classroom!.poll?.respondents === 1, 'vote');
    teacher.classroom!.publishPoll();
    teacher.classroom!.openPoll({ question: 'Ad hoc two?', kind: 'letters' });
    const late = await current.room('<beckon-poll></beckon-poll>', { student: 'Lou' });
    const lPoll = late.querySelector('beckon-poll')!;
    await until(() => shadow(lPoll).querySelector('.earlier summary')?.textContent === 'Earlier results (1)', 'earlier results');
    expect(shadow(lPoll).querySelector('.earlier .question')!.textContent).toBe('Ad hoc one?');
    expect(shadow(lPoll).querySelector('.earlier [data-option="1"] .n')!.textContent).toBe('1');
    expect(shadow(lPoll).querySelector('.ballot')).not.toBeNull();
    expect(await axeViolations(late)).toEqual([]);
  });
});
