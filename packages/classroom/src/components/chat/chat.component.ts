import { css, html, LitElement, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatMessage } from '../../gen/classroom.ts';
import { maxChatLength } from '../../state/classroom-state.ts';
import { ClassroomController } from '../shared/classroom-controller.ts';
import { BeckonChatSendEvent } from '../shared/events.ts';
import { colorFor, initials, theme } from '../shared/theme.ts';

/**
 * The class chat: public messages, messages a student sends privately to the teacher, and the teacher's private
 * replies. The teacher can delete any message for everyone. Everything people type is rendered as text. The message list is a `role="log"`; it scrolls with new messages only when already at the
 * bottom, and never moves focus.
 *
 * @summary Class chat, public or private to the teacher.
 * @tag beckon-chat
 * @event beckon-chat-send - This participant sent a message (`event.text`, `event.isPrivate`).
 * @csspart card - The card around the chat.
 * @csspart log - The message list.
 * @csspart message - One message.
 * @csspart form - The compose form.
 * @cssproperty --beckon-chat-height - Height of the message list (default 18rem).
 */
export class BeckonChat extends LitElement {
  static override styles = [
    theme,
    css`
      .log {
        height: var(--beckon-chat-height, 18rem);
        overflow-y: auto;
        display: flex;
        flex-direction: column;
        gap: 0.6rem;
        padding: 0.25rem 0.15rem 0.5rem;
      }
      .msg {
        display: flex;
        gap: 0.55rem;
        align-items: flex-start;
      }
      .avatar {
        width: 1.8rem;
        height: 1.8rem;
        font-size: 0.7rem;
      }
      .body {
        min-width: 0;
      }
      .who {
        font-weight: 700;
        font-size: 0.85rem;
      }
      .when {
        color: var(--_muted);
        font-size: 0.75rem;
        margin-left: 0.35rem;
      }
      .text {
        margin: 0.1rem 0 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .private {
        background: color-mix(in srgb, #d97706 9%, transparent);
        border-radius: 10px;
        padding: 0.35rem 0.45rem;
      }
      .tag {
        display: inline-block;
        margin-left: 0.35rem;
        font-size: 0.7rem;
        font-weight: 700;
        color: #92400e;
        text-transform: uppercase;
        letter-spacing: 0.04em;
      }
      .teacher .who {
        color: var(--_accent);
      }
      form {
        display: grid;
        gap: 0.45rem;
        border-top: 1px solid var(--_border);
        padding-top: 0.7rem;
      }
      .row {
        display: flex;
        gap: 0.45rem;
      }
      textarea {
        flex: 1;
        resize: none;
        min-height: 2.6rem;
      }
      .reply-to {
        display: flex;
        align-items: center;
        gap: 0.45rem;
        font-size: 0.85rem;
        color: #92400e;
      }
      .msg-actions {
        display: inline-flex;
        gap: 0.3rem;
        margin-left: 0.35rem;
      }
      .msg-actions button {
        padding: 0.1rem 0.45rem;
        font-size: 0.75rem;
      }
      .private-toggle {
        display: inline-flex;
        align-items: center;
        gap: 0.35rem;
        font-size: 0.85rem;
        color: var(--_muted);
      }
    `,
  ];

  /** Id of the `<beckon-room>` to use when not inside one. */
  @property({ reflect: true }) room = '';
  @property() heading = 'Class chat';
  /** Students cannot send private messages to the teacher. */
  @property({ type: Boolean, reflect: true, attribute: 'no-private' }) noPrivate = false;

  @state() private draft = '';
  @state() private privateToTeacher = false;
  /** Teacher: the student a private reply goes to ('' for the class). */
  @state() private replyTo: { readonly id: string; readonly name: string } | undefined;
  readonly #classroom = new ClassroomController(this, ['chat', 'participants']);
  #stick = true;

  protected override willUpdate(): void {
    const log = this.renderRoot.querySelector?.('.log');
    // Follow new messages only if the reader is already at the bottom.
    this.#stick = !log || log.scrollTop + log.clientHeight >= log.scrollHeight - 24;
  }

  protected override updated(changed: PropertyValues): void {
    void changed;
    const log = this.renderRoot.querySelector('.log');
    if (log && this.#stick) log.scrollTop = log.scrollHeight;
  }

  #send(event: Event): void {
    event.preventDefault();
    const classroom = this.#classroom.classroom;
    const text = this.draft.trim();
    if (!classroom || text === '') return;
    const isPrivate = classroom.isTeacher ? this.replyTo !== undefined : this.privateToTeacher;
    const options = classroom.isTeacher ? (this.replyTo ? { to: this.replyTo.id } : {}) : { private: isPrivate };
    if (classroom.sendChat(text, options)) {
      this.draft = '';
      this.dispatchEvent(new BeckonChatSendEvent(text, isPrivate));
    }
  }

  /** Teacher: reply privately to a student's message, or delete it for everyone. */
  #renderActions(m: ChatMessage) {
    const classroom = this.#classroom.classroom!;
    const fromStudent = m.fromId !== classroom.selfId;
    return html`<span class="msg-actions">
      ${fromStudent
        ? html`<button type="button" class="quiet" aria-label=${`Reply privately to ${m.fromName}`} @click=${() => this.#replyTo(m)}>Reply privately</button>`
        : nothing}
      <button type="button" class="quiet" aria-label=${`Delete message from ${m.fromName}`} @click=${() => classroom.deleteChat(m.id)}>Delete</button>
    </span>`;
  }

  #replyTo(m: ChatMessage): void {
    this.replyTo = { id: m.fromId, name: m.fromName };
    // The teacher chose to write: the box is where they type next.
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLTextAreaElement>('#msg')?.focus());
  }

  override render() {
    const classroom = this.#classroom.classroom;
    const messages = classroom?.chat ?? [];
    const hostId = classroom?.participants.find((p) => p.role === 'host')?.id ?? (classroom?.isTeacher ? classroom.selfId : '');
    return html`<section part="card" class="card" aria-labelledby="t">
      <h2 class="title" id="t"><span>${this.heading}</span></h2>
      <div part="log" class="log" role="log" aria-label="Chat messages" tabindex="0">
        ${messages.length === 0 ? html`<p class="empty">No messages yet. Say hello!</p>` : nothing}
        ${repeat(
          messages,
          (m) => m.id,
          (m) => html`<div part="message" class="msg ${m.private ? 'private' : ''} ${m.fromId === hostId ? 'teacher' : ''}" data-id=${m.id}>
            <span class="avatar" style="background:${colorFor(m.fromId)}" aria-hidden="true">${initials(m.fromName)}</span>
            <div class="body">
              <span class="who">${m.fromName}</span>${m.private ? html`<span class="tag">${privateTag(m, classroom?.isTeacher === true, classroom?.selfId ?? '')}</span>` : nothing}<span class="when">${time(m.at)}</span>
              ${classroom?.isTeacher ? this.#renderActions(m) : nothing}
              <p class="text">${m.text}</p>
            </div>
          </div>`,
        )}
      </div>
      <form part="form" @submit=${(e: Event) => this.#send(e)}>
        <div class="row">
          <label class="visually-hidden" for="msg">Message</label>
          <textarea id="msg" rows="1" maxlength=${maxChatLength} placeholder=${this.privateToTeacher ? 'Only the teacher will see this' : this.replyTo ? `Only ${this.replyTo.name} will see this` : 'Message the class'}
            .value=${this.draft} ?disabled=${classroom?.state !== 'open'}
            @input=${(e: InputEvent) => (this.draft = (e.target as HTMLTextAreaElement).value)}
            @keydown=${(e: KeyboardEvent) => {
              if (e.key === 'Enter' && !e.shiftKey) this.#send(e);
            }}></textarea>
          <button class="primary" type="submit" ?disabled=${classroom?.state !== 'open' || this.draft.trim() === ''}>Send</button>
        </div>
        ${classroom?.isTeacher && this.replyTo
          ? html`<p class="reply-to">Private reply to ${this.replyTo.name}
              <button type="button" class="quiet" @click=${() => (this.replyTo = undefined)}>Message the class instead</button></p>`
          : nothing}
        ${classroom && !classroom.isTeacher && !this.noPrivate
          ? html`<label class="private-toggle"><input type="checkbox" .checked=${this.privateToTeacher} @change=${(e: Event) => (this.privateToTeacher = (e.target as HTMLInputElement).checked)} /> Private to the teacher</label>`
          : nothing}
      </form>
    </section>`;
  }
}

function privateTag(m: ChatMessage, teacher: boolean, selfId: string): string {
  if (m.toId) return teacher ? `Private to ${m.toName}` : m.toId === selfId ? 'Private reply' : 'Private';
  return teacher ? 'Private' : 'Private to teacher';
}

function time(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
