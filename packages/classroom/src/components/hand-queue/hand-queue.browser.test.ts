import { afterEach, describe, expect, it } from 'vitest';
import { axeViolations } from '../../test-utils/axe.ts';
import { shadow, stage, until } from '../../test-utils/fixture.ts';
import type { Stage } from '../../test-utils/fixture.ts';

let current: Stage | undefined;
afterEach(async () => {
  await current?.cleanup();
  current = undefined;
});

describe('<beckon-raise-hand> and <beckon-hand-queue>', () => {
  it('passes axe, queues hands in order, and lets the teacher call on and lower them', async () => {
    current = stage();
    const teacher = await current.room('<beckon-hand-queue></beckon-hand-queue>', { teacher: true });
    const ada = await current.room('<beckon-raise-hand></beckon-raise-hand><beckon-hand-queue></beckon-hand-queue>', { student: 'Ada' });
    const ben = await current.room('<beckon-raise-hand></beckon-raise-hand>', { student: 'Ben <b>bold</b>' });
    const queue = teacher.querySelector('beckon-hand-queue')!;
    const adaButton = shadow(ada.querySelector('beckon-raise-hand')).querySelector('button')!;
    const benButton = shadow(ben.querySelector('beckon-raise-hand')).querySelector('button')!;
    await until(() => !adaButton.disabled, 'enabled');

    expect(await axeViolations(teacher)).toEqual([]);
    expect(await axeViolations(ada)).toEqual([]);
    // The live region exists, empty-handed, before anything changes.
    const count = shadow(queue).querySelector('[role="status"]')!;
    expect(count.textContent).toBe('None');

    const events: boolean[] = [];
    ada.addEventListener('beckon-hand-change', (e) => events.push(e.raised));
    benButton.click();
    await until(() => teacher.classroom!.hands.hands.length === 1, 'Ben first');
    adaButton.click();
    await until(() => shadow(queue).querySelectorAll('li').length === 2, 'two hands at the teacher');
    expect(events).toEqual([true]);
    await until(() => adaButton.getAttribute('aria-pressed') === 'true', 'Ada sees her hand up');
    expect([...shadow(queue).querySelectorAll('li .who')].map((n) => n.textContent)).toEqual(['Ben <b>bold</b>', 'Ada']);
    expect(shadow(queue).querySelector('b')).toBeNull();
    expect(count.textContent).toBe('2 waiting');
    await until(() => shadow(ada.querySelector('beckon-raise-hand')).querySelector('[part="position"]')!.textContent === 'You are 2nd in line', 'position');
    expect(await axeViolations(teacher)).toEqual([]);

    // The teacher calls on Ben: Ben leaves the queue and has the floor, everywhere.
    const focused = document.activeElement;
    shadow(queue).querySelector<HTMLButtonElement>('button[aria-label="Call on Ben <b>bold</b>"]')!.click();
    const adaQueue = ada.querySelector('beckon-hand-queue')!;
    await until(() => shadow(adaQueue).querySelector('.speaking')?.textContent?.includes('Ben <b>bold</b> has the floor') === true, 'speaking at Ada');
    expect(shadow(adaQueue).querySelectorAll('li').length).toBe(1);
    expect(shadow(adaQueue).querySelector('button')).toBeNull(); // students cannot act on hands
    expect(document.activeElement).toBe(focused);

    // The teacher lowers Ada's hand.
    shadow(queue).querySelector<HTMLButtonElement>(`button[aria-label="Lower Ada's hand"]`)!.click();
    await until(() => adaButton.getAttribute('aria-pressed') === 'false', 'Ada lowered');
    expect(teacher.querySelector('beckon-hand-queue') && shadow(queue).querySelector('.empty')?.textContent).toBe('No hands raised.');
  });

  it('shows a long name whole in a narrow sidebar: the buttons move below it instead of cutting it off', async () => {
    current = stage();
    current.container.style.width = '320px';
    const teacher = await current.room('<beckon-hand-queue></beckon-hand-queue>', { teacher: true });
    const long = await current.room('<beckon-raise-hand></beckon-raise-hand>', { student: 'Maximiliana Oyelaran-Whitfield' });
    const short = await current.room('<beckon-raise-hand></beckon-raise-hand>', { student: 'Bo' });
    long.classroom!.setHand(true);
    await until(() => teacher.classroom!.hands.hands.length === 1, 'long first');
    short.classroom!.setHand(true);
    const queue = shadow(teacher.querySelector('beckon-hand-queue'));
    await until(() => queue.querySelectorAll('li').length === 2, 'two hands');
    for (const item of queue.querySelectorAll('li')) {
      const name = item.querySelector<HTMLElement>('.name')!;
      const actions = item.querySelector<HTMLElement>('.actions')!.getBoundingClientRect();
      const box = item.getBoundingClientRect();
      expect(name.scrollWidth).toBeLessThanOrEqual(name.clientWidth);
      expect(name.getBoundingClientRect().right).toBeLessThanOrEqual(box.right);
      // No overlap: the buttons are beside the name only when both fit, else on the line below.
      const who = name.getBoundingClientRect();
      expect(actions.left >= who.right || actions.top >= who.bottom).toBe(true);
    }
    const [first, second] = [...queue.querySelectorAll('li')];
    expect(first!.querySelector('.who')!.textContent).toBe('Maximiliana Oyelaran-Whitfield');
    // The short name keeps its buttons on its own line: one row.
    expect(second!.querySelector<HTMLElement>('.actions')!.getBoundingClientRect().top).toBeLessThan(second!.querySelector<HTMLElement>('.name')!.getBoundingClientRect().bottom);
  });
});

describe('<beckon-hand-queue> with live video', () => {
  it('passes axe; calling on a hand invites that student on stage, the student accepts, Done ends the stage', async () => {
    current = stage();
    const teacher = await current.room('<beckon-hand-queue></beckon-hand-queue>', { teacher: true }, { video: true });
    const ada = await current.room('<beckon-raise-hand></beckon-raise-hand><beckon-hand-queue></beckon-hand-queue>', { student: 'Ada' }, { video: true });
    const queue = teacher.querySelector('beckon-hand-queue')!;
    const adaQueue = ada.querySelector('beckon-hand-queue')!;
    const stageState = (element: Element): string => shadow(element).querySelector('[part="stage-state"]')?.textContent ?? '';
    const adaId = ada.classroom!.room.selfId;
    await until(() => teacher.media?.roster?.peers.has(adaId) === true, 'Ada in the media roster');
    // Without media calls (loopback) the participant is told it is in with data only.
    await until(() => ada.media?.local.error === 'No media transport: data only.', 'data only');

    const raise = shadow(ada.querySelector('beckon-raise-hand')).querySelector('button')!;
    await until(() => !raise.disabled, 'enabled');
    raise.click();
    await until(() => shadow(queue).querySelectorAll('li').length === 1, 'Ada at the teacher');
    shadow(queue).querySelector<HTMLButtonElement>('button[aria-label="Call on Ada"]')!.click();

    // The teacher's call-on is the invite: Ada is asked (nobody goes live unasked); both queues say so.
    await until(() => ada.media?.invite !== undefined, 'Ada invited');
    await until(() => stageState(queue) === 'Invited on stage…', 'invited at the teacher');
    await until(() => stageState(adaQueue) === 'Invited on stage…', 'invited at Ada');
    expect(teacher.media!.roster!.stage).toEqual([]);
    expect(await axeViolations(teacher)).toEqual([]);

    ada.media!.answerInvite(true);
    await until(() => teacher.media!.roster!.stage.includes(adaId), 'Ada on stage');
    await until(() => stageState(adaQueue) === 'On stage' && stageState(queue) === 'On stage', 'on stage everywhere');
    expect(ada.media!.onStage).toBe(true);
    expect(await axeViolations(ada)).toEqual([]);

    // Done: the floor and the stage end together, on every page.
    [...shadow(queue).querySelectorAll<HTMLButtonElement>('.speaking button')].find((b) => b.textContent?.trim() === 'Done')!.click();
    await until(() => ada.media!.onStage === false, 'Ada off stage');
    expect(teacher.media!.roster!.stage).toEqual([]);
    await until(() => shadow(adaQueue).querySelector('.speaking') === null, 'floor cleared at Ada');
  });
});
