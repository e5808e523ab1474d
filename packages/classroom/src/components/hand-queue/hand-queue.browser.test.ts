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
});
