import { Chat } from '@beckon/game';
import type { HostRoom, MemberRoom } from '@beckon/core';

const maxShown = 60;

/**
 * The game's chat: `Chat` events on the reliable lane, relayed by the host to everyone. Peer text is only ever
 * set as text content, so hostile markup stays text.
 */
export function createChat(
  log: HTMLElement,
  form: HTMLFormElement,
  input: HTMLInputElement,
  /** Where the keys go back to after a message is sent or the box is left with Escape. */
  game: HTMLElement,
  /** A player's colour in the arena (0xRRGGBB), so names in the chat match the avatars. */
  colorOf: (participantId: string) => number | undefined = () => undefined,
): { attach(room: HostRoom | MemberRoom): void } {
  let room: HostRoom | MemberRoom | undefined;
  // preventScroll: on a phone the arena is above the chat; jumping the page up would hide what was just typed.
  const backToGame = (): void => game.focus({ preventScroll: true });
  const show = (from: string, text: string, self: boolean): void => {
    const item = document.createElement('li');
    item.className = self ? 'chat-line self' : 'chat-line';
    const who = document.createElement('span');
    who.className = 'chat-who';
    who.textContent = self ? 'You' : (room?.participant(from)?.name ?? 'Someone');
    const color = colorOf(from);
    if (color !== undefined) who.style.color = `#${color.toString(16).padStart(6, '0')}`;
    const said = document.createElement('span');
    said.className = 'chat-text';
    said.textContent = text;
    item.append(who, said);
    log.append(item);
    while (log.children.length > maxShown) log.firstElementChild?.remove();
    log.scrollTop = log.scrollHeight;
  };

  // Escape hands the keys back to the game (WASD in the box types, it does not steer); the draft stays.
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') backToGame();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim().slice(0, 280);
    if (text === '' || !room) return;
    try {
      room.send(Chat, { text });
      show(room.selfId, text, true);
      input.value = '';
      // One message, then back to playing: the next keys steer instead of starting another message.
      backToGame();
    } catch (error) {
      show(room.selfId, `Not sent: ${error instanceof Error ? error.message : String(error)}`, true);
    }
  });
  return {
    // A host migration moves the page to another room; the chat goes with it, and its history stays.
    attach(next) {
      room = next;
      next.on(Chat, (chat, meta) => show(meta.from, chat.text, false));
    },
  };
}
