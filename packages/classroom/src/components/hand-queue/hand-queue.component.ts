import { css, html, LitElement, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { ClassroomController } from '../shared/classroom-controller.ts';
import { BeckonHandActionEvent } from '../shared/events.ts';
import { colorFor, initials, theme } from '../shared/theme.ts';

/**
 * The raised hands in the order the teacher's page received them. The teacher calls on or lowers each hand,
 * or all of them; students see the queue.
 *
 * @summary The queue of raised hands.
 * @tag beckon-hand-queue
 * @event beckon-hand-action - The teacher called on or lowered a hand (`event.action`, `event.participantId`).
 * @csspart card - The card around the queue.
 * @csspart item - One hand in the queue.
 * @csspart speaking - The student the teacher called on.
 * @csspart stage-state - With live video: whether that student is invited on stage or on it.
 * @cssproperty --beckon-accent - Accent colour.
 */
export class BeckonHandQueue extends LitElement {
  static override styles = [
    theme,
    css`
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.4rem;
      }
      li {
        /* A long name pushes the buttons onto a line of their own rather than being cut off beside them. */
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.4rem 0.65rem;
        padding: 0.45rem 0.55rem;
        border-radius: 10px;
        background: var(--_surface-muted);
      }
      .person {
        flex: 1 1 auto;
        display: flex;
        align-items: center;
        gap: 0.65rem;
        min-width: 0;
      }
      .pos {
        width: 1.4rem;
        text-align: center;
        font-weight: 700;
        color: var(--_muted);
        font-variant-numeric: tabular-nums;
      }
      .name {
        flex: 1 1 auto;
        min-width: 0;
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .since {
        display: block;
        font-weight: 400;
        font-size: 0.8rem;
        color: var(--_muted);
      }
      .actions {
        display: flex;
        gap: 0.3rem;
        margin-left: auto;
      }
      .actions button {
        padding: 0.3rem 0.6rem;
        font-size: 0.85rem;
      }
      .speaking {
        display: flex;
        align-items: center;
        gap: 0.6rem;
        margin-bottom: 0.75rem;
        padding: 0.55rem 0.7rem;
        border-radius: 10px;
        background: var(--_accent-soft);
        border: 1px solid color-mix(in srgb, var(--_accent) 30%, transparent);
      }
      .speaking strong {
        flex: 1;
      }
      .speaking .who {
        flex: 1;
        display: grid;
        gap: 0.15rem;
      }
      .stage-state {
        justify-self: start;
        font-size: 0.78rem;
        font-weight: 700;
        padding: 0.05rem 0.5rem;
        border-radius: 999px;
        background: var(--_surface);
        color: var(--_accent);
        border: 1px solid color-mix(in srgb, var(--_accent) 35%, transparent);
      }
      .stage-state[data-state='live'] {
        background: var(--_accent);
        color: var(--_accent-contrast);
      }
      .speaking button {
        padding: 0.3rem 0.6rem;
        font-size: 0.85rem;
      }
      .count {
        font-variant-numeric: tabular-nums;
        text-transform: none;
        letter-spacing: 0;
        font-weight: 600;
      }
      .footer {
        margin-top: 0.75rem;
        display: flex;
        justify-content: flex-end;
      }
    `,
  ];

  /** Id of the `<beckon-room>` to use when not inside one. */
  @property({ reflect: true }) room = '';
  /** Heading shown above the queue. */
  @property() heading = 'Raised hands';

  readonly #classroom = new ClassroomController(this, ['hands', 'participants', 'media']);
  #timer: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    // Waiting times tick on.
    this.#timer = setInterval(() => this.requestUpdate(), 15_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  #act(action: 'call-on' | 'lower' | 'lower-all', participantId = ''): void {
    const classroom = this.#classroom.classroom;
    if (!classroom) return;
    const done = action === 'call-on' ? classroom.callOn(participantId) : action === 'lower' ? classroom.lowerHandOf(participantId) : classroom.lowerAllHands();
    if (done) this.dispatchEvent(new BeckonHandActionEvent(action, participantId));
  }

  #stageState(participantId: string) {
    const roster = this.#classroom.media?.roster;
    if (!roster) return nothing;
    if (roster.stage.includes(participantId)) return html`<span part="stage-state" class="stage-state" data-state="live">On stage</span>`;
    if (roster.invited.includes(participantId)) return html`<span part="stage-state" class="stage-state" data-state="invited">Invited on stage…</span>`;
    return nothing;
  }

  override render() {
    const classroom = this.#classroom.classroom;
    const hands = classroom?.hands.hands ?? [];
    const teacher = classroom?.isTeacher === true;
    const calledOn = classroom?.hands.calledOn ?? '';
    return html`<section part="card" class="card" aria-labelledby="heading">
      <h2 class="title" id="heading">
        <span>${this.heading}</span>
        <span class="count" role="status">${hands.length === 0 ? 'None' : `${hands.length} waiting`}</span>
      </h2>
      ${calledOn
        ? html`<div part="speaking" class="speaking">
            <span aria-hidden="true">🎙️</span>
            <span class="who"><strong>${classroom!.hands.calledOnName} has the floor</strong>${this.#stageState(calledOn)}</span>
            ${teacher ? html`<button class="quiet" @click=${() => classroom!.clearCalledOn()}>Done</button>` : nothing}
          </div>`
        : nothing}
      ${hands.length === 0
        ? html`<p class="empty">No hands raised.</p>`
        : html`<ol>
            ${repeat(
              hands,
              (hand) => hand.participantId,
              (hand, i) => html`<li part="item" data-participant=${hand.participantId}>
                <span class="person">
                  <span class="pos">${i + 1}</span>
                  <span class="avatar" style="background:${colorFor(hand.participantId)}" aria-hidden="true">${initials(hand.name)}</span>
                  <span class="name"><span class="who">${hand.name}</span><span class="since">${waited(hand.raisedAt)}</span></span>
                </span>
                ${teacher
                  ? html`<span class="actions">
                      <button class="primary" aria-label=${`Call on ${hand.name}`} @click=${() => this.#act('call-on', hand.participantId)}>Call on</button>
                      <button aria-label=${`Lower ${hand.name}'s hand`} @click=${() => this.#act('lower', hand.participantId)}>Lower</button>
                    </span>`
                  : nothing}
              </li>`,
            )}
          </ol>`}
      ${teacher && hands.length > 1
        ? html`<div class="footer"><button class="quiet" @click=${() => this.#act('lower-all')}>Lower all hands</button></div>`
        : nothing}
    </section>`;
  }
}

function waited(since: number): string {
  const seconds = Math.max(0, Math.round((Date.now() - since) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min waiting`;
}
