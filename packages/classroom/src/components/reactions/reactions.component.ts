import { css, html, LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { reactionEmojis } from '../../state/classroom-state.ts';
import { ClassroomController } from '../shared/classroom-controller.ts';
import { BeckonReactEvent } from '../shared/events.ts';
import { theme } from '../shared/theme.ts';

const names: Record<string, string> = {
  '👍': 'thumbs up',
  '👏': 'applause',
  '😂': 'laughing',
  '😮': 'surprised',
  '❤️': 'love it',
  '🤔': 'thinking',
  '🐢': 'slow down',
  '🐇': 'speed up',
};

/**
 * Reaction buttons and the reactions the room sent in the last few seconds (they expire).
 *
 * @summary Quick reactions that fade away.
 * @tag beckon-reactions
 * @event beckon-react - This participant reacted (`event.emoji`).
 * @csspart card - The card around the reactions.
 * @csspart button - A reaction button.
 * @csspart stream - The recent reactions.
 */
export class BeckonReactions extends LitElement {
  static override styles = [
    theme,
    css`
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.35rem;
      }
      .buttons button {
        font-size: 1.25rem;
        line-height: 1;
        padding: 0.45rem 0.55rem;
        border-radius: 12px;
      }
      .stream {
        display: flex;
        flex-wrap: wrap;
        gap: 0.35rem;
        min-height: 2.2rem;
        margin-top: 0.35rem;
        align-items: center;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        gap: 0.35rem;
        padding: 0.2rem 0.55rem 0.2rem 0.35rem;
        border-radius: 999px;
        background: var(--_surface-muted);
        border: 1px solid var(--_border);
        font-size: 0.8rem;
        animation: pop 220ms ease-out;
      }
      .chip .e {
        font-size: 1.1rem;
      }
      .summary {
        margin: 0.6rem 0 0;
        min-height: 1.2em;
        font-size: 0.8rem;
        color: var(--_muted);
      }
      @keyframes pop {
        from {
          transform: scale(0.6);
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .chip {
          animation: none;
        }
      }
    `,
  ];

  /** Id of the `<beckon-room>` to use when not inside one. */
  @property({ reflect: true }) room = '';
  /** Emojis offered, space-separated, from the room's set (👍 👏 😂 😮 ❤️ 🤔 🐢 🐇). */
  @property() emojis = '👍 👏 😂 😮 🤔 🐢 🐇';

  readonly #classroom = new ClassroomController(this, ['reactions']);

  #react(emoji: string): void {
    if (this.#classroom.classroom?.react(emoji)) this.dispatchEvent(new BeckonReactEvent(emoji));
  }

  override render() {
    const classroom = this.#classroom.classroom;
    const offered = this.emojis.split(/\s+/).filter((e) => (reactionEmojis as readonly string[]).includes(e));
    const recent = classroom?.reactions ?? [];
    const counts = new Map<string, number>();
    for (const r of recent) counts.set(r.emoji, (counts.get(r.emoji) ?? 0) + 1);
    const summary = [...counts].map(([emoji, n]) => `${n} ${names[emoji] ?? emoji}`).join(', ');
    return html`<section part="card" class="card" aria-labelledby="t">
      <h2 class="title" id="t"><span>Reactions</span></h2>
      <div class="buttons">
        ${offered.map(
          (emoji) => html`<button part="button" aria-label=${`React: ${names[emoji] ?? emoji}`} title=${names[emoji] ?? emoji} ?disabled=${classroom?.state !== 'open'} @click=${() => this.#react(emoji)}>${emoji}</button>`,
        )}
      </div>
      <p class="summary" role="status">${summary ? `Just now: ${summary}` : ''}</p>
      <div part="stream" class="stream" aria-hidden="true">
        ${repeat(
          recent.slice(-12),
          (r) => r.key,
          (r) => html`<span class="chip"><span class="e">${r.emoji}</span>${r.name}</span>`,
        )}
      </div>
    </section>`;
  }
}
