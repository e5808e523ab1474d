import { css, html, LitElement, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { PollStatus } from '../../gen/classroom.ts';
import { ClassroomController } from '../shared/classroom-controller.ts';
import { colorFor, initials, theme } from '../shared/theme.ts';

/**
 * Who is in the class: the teacher first, then students by name, with raised hands and, during a poll that is
 * not anonymous, who has answered (the teacher only: students are never sent who answered).
 *
 * @summary The people in the room.
 * @tag beckon-participants
 * @csspart card - The card around the list.
 * @csspart item - One person.
 */
export class BeckonParticipants extends LitElement {
  static override styles = [
    theme,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.35rem;
      }
      li {
        display: flex;
        align-items: center;
        gap: 0.6rem;
        padding: 0.25rem 0;
      }
      .name {
        flex: 1;
        min-width: 0;
        /* Whole names, wrapped if need be: a cut-off name is someone the teacher cannot identify. */
        overflow-wrap: anywhere;
        font-weight: 600;
      }
      .you {
        color: var(--_muted);
        font-weight: 400;
      }
      .role {
        flex: none;
        font-size: 0.72rem;
        font-weight: 700;
        padding: 0.1rem 0.45rem;
        border-radius: 999px;
        background: var(--_accent-soft);
        color: var(--_accent);
      }
      .flags {
        flex: none;
        display: flex;
        gap: 0.3rem;
        font-size: 0.95rem;
      }
      .answered {
        color: var(--_success);
        font-weight: 700;
        font-size: 0.8rem;
      }
      .count {
        text-transform: none;
        letter-spacing: 0;
        font-weight: 600;
      }
    `,
  ];

  /** Id of the `<beckon-room>` to use when not inside one. */
  @property({ reflect: true }) room = '';

  readonly #classroom = new ClassroomController(this, ['participants', 'hands', 'poll']);

  override render() {
    const classroom = this.#classroom.classroom;
    const people = [...(classroom?.participants ?? [])].sort((a, b) => Number(b.role === 'host') - Number(a.role === 'host') || a.name.localeCompare(b.name));
    const raised = new Set(classroom?.hands.hands.map((h) => h.participantId));
    const poll = classroom?.poll;
    const answered = new Set(poll && poll.status === PollStatus.OPEN && !poll.anonymous ? poll.answered : []);
    const students = people.filter((p) => p.role !== 'host').length;
    return html`<section part="card" class="card" aria-labelledby="t">
      <h2 class="title" id="t"><span>In class</span><span class="count" role="status">${students} ${students === 1 ? 'student' : 'students'}</span></h2>
      ${people.length === 0 ? html`<p class="empty">Nobody here yet.</p>` : nothing}
      <ul>
        ${repeat(
          people,
          (p) => p.id,
          (p) => html`<li part="item" data-participant=${p.id}>
            <span class="avatar" style="background:${colorFor(p.id)}" aria-hidden="true">${initials(p.name)}</span>
            <span class="name">${p.name}${p.id === classroom?.selfId ? html` <span class="you">(you)</span>` : nothing}</span>
            <span class="flags">
              ${raised.has(p.id) ? html`<span role="img" aria-label="hand raised">✋</span>` : nothing}
              ${answered.has(p.id) ? html`<span class="answered">✓ answered</span>` : nothing}
            </span>
            ${p.role === 'host' ? html`<span class="role">Teacher</span>` : nothing}
          </li>`,
        )}
      </ul>
    </section>`;
  }
}
