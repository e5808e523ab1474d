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
});
