import { afterEach, describe, expect, it } from 'vitest';
import { axeViolations } from '../../test-utils/axe.ts';
import { shadow, stage, until } from '../../test-utils/fixture.ts';
import type { Stage } from '../../test-utils/fixture.ts';

let current: Stage | undefined;
afterEach(async () => {
  await current?.cleanup();
  current = undefined;
});

async function type(chat: Element, text: string, privately = false): Promise<void> {
  const root = shadow(chat);
  if (privately) root.querySelector<HTMLInputElement>('.private-toggle input')!.click();
  const box = root.querySelector('textarea')!;
  box.value = text;
  box.dispatchEvent(new InputEvent('input'));
  await (chat as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
  box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
}

describe('<beckon-chat>', () => {
  it('passes axe, is a log, keeps hostile text as text and private messages private', async () => {
    current = stage();
    const teacher = await current.room('<beckon-chat></beckon-chat>', { teacher: true });
    const ada = await current.room('<beckon-chat></beckon-chat>', { student: 'Ada' });
    const ben = await current.room('<beckon-chat></beckon-chat>', { student: 'Ben' });
    expect(await axeViolations(ada)).toEqual([]);
    const log = (room: Element): Element => shadow(room.querySelector('beckon-chat')).querySelector('[role="log"]')!;
    expect(log(ada).getAttribute('aria-label')).toBe('Chat messages');

    const sent: string[] = [];
    ada.addEventListener('beckon-chat-send', (e) => sent.push(`${e.text}|${e.isPrivate}`));
    const hostile = '<script>window.__pwned=1</script><b>hi</b>';
    await type(ada.querySelector('beckon-chat')!, hostile);
    await until(() => log(ben).querySelectorAll('.msg').length === 1, 'message at Ben');
    expect(log(ben).querySelector('.text')!.textContent).toBe(hostile);
    expect(log(ben).querySelector('script, b')).toBeNull();
    expect(sent).toEqual([`${hostile}|false`]);

    await type(ben.querySelector('beckon-chat')!, 'I did not get step 2', true);
    await until(() => log(teacher).querySelectorAll('.msg').length === 2, 'private at the teacher');
    expect(log(teacher).querySelector('.private .text')!.textContent).toBe('I did not get step 2');
    await until(() => log(ben).querySelectorAll('.private').length === 1, 'echo at Ben');
    await new Promise((r) => setTimeout(r, 100));
    expect(log(ada).querySelectorAll('.msg').length).toBe(1);
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
    expect(await axeViolations(teacher)).toEqual([]);
  });

  it('lets the teacher reply privately to a private question and delete a message for everyone', async () => {
    current = stage();
    const teacher = await current.room('<beckon-chat></beckon-chat>', { teacher: true });
    const ada = await current.room('<beckon-chat></beckon-chat>', { student: 'Ada' });
    const ben = await current.room('<beckon-chat></beckon-chat>', { student: 'Ben' });
    const chat = (room: Element): Element => room.querySelector('beckon-chat')!;
    const log = (room: Element): Element => shadow(chat(room)).querySelector('[role="log"]')!;
    await type(chat(ada), 'What is a denominator?', true);
    await until(() => log(teacher).querySelectorAll('.msg').length === 1, 'the question at the teacher');
    shadow(chat(teacher)).querySelector<HTMLButtonElement>('button[aria-label="Reply privately to Ada"]')!.click();
    await (chat(teacher) as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    expect(shadow(chat(teacher)).querySelector('.reply-to')!.textContent).toContain('Private reply to Ada');
    await type(chat(teacher), 'The number under the line.');
    await until(() => log(ada).querySelectorAll('.msg').length === 2, 'the reply at Ada');
    expect(log(ada).querySelectorAll('.private')[1]!.querySelector('.tag')!.textContent).toBe('Private reply');
    expect(log(teacher).querySelectorAll('.private')[1]!.querySelector('.tag')!.textContent).toBe('Private to Ada');

    await type(chat(ben), 'something rude');
    await until(() => log(ada).querySelectorAll('.msg').length === 3, 'the public message at Ada');
    expect(log(ben).querySelectorAll('.msg').length).toBe(1);
    shadow(chat(teacher)).querySelector<HTMLButtonElement>('button[aria-label="Delete message from Ben"]')!.click();
    await until(() => log(ada).querySelectorAll('.msg').length === 2 && log(ben).querySelectorAll('.msg').length === 0, 'deleted everywhere');
    expect(shadow(chat(ada)).textContent).not.toContain('something rude');
    // Students get no teacher buttons; the box keeps its length cap.
    expect(shadow(chat(ada)).querySelector('.msg-actions')).toBeNull();
    expect(shadow(chat(ada)).querySelector('textarea')!.maxLength).toBe(1000);
    expect(await axeViolations(teacher)).toEqual([]);
  });
});
