import { css, html, LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { ClassroomController } from '../shared/classroom-controller.ts';
import { BeckonHandChangeEvent } from '../shared/events.ts';
import { ordinal, theme } from '../shared/theme.ts';

/**
 * A student's raise-hand toggle, with their place in the queue. Renders nothing on the teacher's page.
 *
 * @summary Raise or lower your hand.
 * @tag beckon-raise-hand
 * @event beckon-hand-change - This participant raised or lowered their hand (`event.raised`).
 * @csspart button - The toggle button.
 * @csspart position - The place-in-queue text.
 * @cssproperty --beckon-accent - Colour of the raised state.
 */
export class BeckonRaiseHand extends LitElement {
  static override styles = [
    theme,
    css`
      .wrap {
        display: flex;
        align-items: center;
        gap: 0.75rem;
        flex-wrap: wrap;
      }
      button {
        display: inline-flex;
        align-items: center;
        gap: 0.5rem;
        padding: 0.6rem 1.1rem;
        font-size: 1rem;
      }
      button[aria-pressed='true'] {
        background: var(--_accent);
        border-color: var(--_accent);
        color: var(--_accent-contrast);
      }
      .icon {
        font-size: 1.2rem;
      }
      .position {
        color: var(--_muted);
        font-size: 0.9rem;
      }
    `,
  ];

  /** Id of the `<beckon-room>` to use when not inside one. */
  @property({ reflect: true }) room = '';

  readonly #classroom = new ClassroomController(this, ['hands']);

  #toggle(): void {
    const classroom = this.#classroom.classroom;
    if (!classroom) return;
    const raised = !classroom.handRaised;
    if (classroom.setHand(raised)) this.dispatchEvent(new BeckonHandChangeEvent(raised));
  }

  override willUpdate(): void {
    this.hidden = this.#classroom.classroom?.isTeacher === true;
  }

  override render() {
    const classroom = this.#classroom.classroom;
    const raised = classroom?.handRaised === true;
    const index = classroom?.hands.hands.findIndex((hand) => hand.participantId === classroom.selfId) ?? -1;
    const calledOn = classroom !== undefined && classroom.hands.calledOn === classroom.selfId;
    const text = raised ? `You are ${ordinal(index + 1)} in line` : calledOn ? 'The teacher called on you' : '';
    return html`<div class="wrap">
      <button part="button" aria-pressed=${raised ? 'true' : 'false'} ?disabled=${classroom?.state !== 'open'} @click=${() => this.#toggle()}>
        <span class="icon" aria-hidden="true">✋</span>${raised ? 'Lower hand' : 'Raise hand'}
      </button>
      <span part="position" class="position" role="status">${text}</span>
    </div>`;
  }
}
