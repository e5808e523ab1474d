import type { HostRoom, MemberRoom, Participant } from '@beckon/core';
import { appendToLog, byId } from './dom.ts';
import { ChatMessage } from './gen/support.ts';
import { chatEntry } from './views.ts';

export interface ChatOptions {
  readonly self: () => Participant;
  readonly nameOf: (id: string) => string;
  readonly colorOf: (id: string) => string;
  /** Sends, reporting a refused send instead of throwing into the submit handler. */
  readonly trySend: (send: () => void) => void;
}

/** Chat on the reliable lane; peer text is only ever set as text. */
export function wireChat(room: HostRoom | MemberRoom, { self, nameOf, colorOf, trySend }: ChatOptions): void {
  const chatLog = byId('chat-log');
  const chatForm = byId<HTMLFormElement>('chat-form');
  const chatInput = byId<HTMLInputElement>('chat-input');
  room.on(ChatMessage, (message, meta) => appendToLog(chatLog, chatEntry({ id: meta.from, name: nameOf(meta.from) }, colorOf(meta.from), message.text, meta.sentAt || Date.now(), false)));
  chatForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = chatInput.value.trim();
    if (text === '' || room.state !== 'open') return;
    trySend(() => {
      room.send(ChatMessage, { text });
      appendToLog(chatLog, chatEntry(self(), colorOf(room.selfId), text, Date.now(), true));
      chatInput.value = '';
    });
  });
}
