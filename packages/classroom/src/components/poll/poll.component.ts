import { css, html, LitElement, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { PollStatus } from '../../gen/classroom.ts';
import type { PollState } from '../../gen/classroom.ts';
import { kindName } from '../../state/classroom-state.ts';
import type { PollKindName, PollSpec } from '../../state/classroom-state.ts';
import { ClassroomController } from '../shared/classroom-controller.ts';
import { BeckonPollChangeEvent, BeckonVoteEvent } from '../shared/events.ts';
import { theme } from '../shared/theme.ts';
import { styles } from './poll.styles.ts';

const kindLabels: Record<PollKindName, string> = {
  'yes-no': 'Yes / No',
  'yes-no-abstain': 'Yes / No / Abstain',
  'true-false': 'True / False',
  letters: 'A – D',
  custom: 'Custom options',
  'free-text': 'Free text',
};

/**
 * A poll or timed quiz. With a `question` attribute it is a poll the author prepared: the teacher starts it with
 * one click, and it shows that poll only. Without one, the teacher composes any poll, and it shows the current poll.
 * Students vote (and may change their vote until the poll closes); everyone watches live results; the teacher
 * closes the poll and publishes the results.
 *
 * @summary Polls and quizzes with live results.
 * @tag beckon-poll
 * @event beckon-vote - This participant voted (`event.pollId`, `event.choices`, `event.text`).
 * @event beckon-poll-change - The teacher opened, closed or published the poll (`event.action`).
 * @csspart card - The card around the poll.
 * @csspart question - The question.
 * @csspart option - An answer a student can pick.
 * @csspart results - The results block.
 * @csspart bar - One result bar.
 * @cssproperty --beckon-accent - Colour of the bars and the selected answer.
 * @cssproperty --beckon-success - Colour of a correct answer.
 */
export class BeckonPoll extends LitElement {
  static override styles = [theme, styles];

  /** Id of the `<beckon-room>` to use when not inside one. */
  @property({ reflect: true }) room = '';
  /** A prepared poll's question. */
  @property() question = '';
  /** The prepared poll's kind: yes-no, yes-no-abstain, true-false, letters, custom, free-text. */
  @property() kind: PollKindName = 'letters';
  /** Options of a custom poll, separated by `|`. */
  @property() options = '';
  /** Several answers allowed. */
  @property({ type: Boolean, reflect: true }) multiple = false;
  /** Nobody, the teacher included, sees who answered what. */
  @property({ type: Boolean, reflect: true }) anonymous = false;
  /** Seconds students have to answer (a quiz); 0: until the teacher closes it. */
  @property({ type: Number }) duration = 0;
  /** Indexes of the correct options of a quiz, comma-separated, revealed when published. */
  @property() correct = '';
  /** Students see results only once the teacher publishes them. */
  @property({ type: Boolean, reflect: true, attribute: 'hide-live-results' }) hideLiveResults = false;

  @state() private selection: number[] = [];
  @state() private freeText = '';
  @state() private draft: PollSpec & { optionsText: string } = { question: '', kind: 'letters', optionsText: '', multiple: false, anonymous: false, durationSeconds: 0 };
  @state() private now = Date.now();
  readonly #classroom = new ClassroomController(this, ['poll', 'ballot', 'participants']);
  #tick: ReturnType<typeof setInterval> | undefined;
  #ballotSeen = '';
  #showComposer = false;
  #last: PollState | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#tick);
  }

  /** The poll this element shows: the current one, if it is this element's prepared poll (or it has none). */
  get poll(): PollState | undefined {
    const poll = this.#classroom.classroom?.poll;
    if (!poll) return this.#last;
    // A prepared poll keeps showing its last results after the teacher moves on to the next poll.
    if (this.question && poll.question !== this.question.trim()) return this.#last;
    if (this.#showComposer && poll.status !== PollStatus.OPEN) return undefined;
    if (this.question) this.#last = poll;
    return poll;
  }

  protected override willUpdate(changed: PropertyValues): void {
    void changed;
    const classroom = this.#classroom.classroom;
    const poll = this.poll;
    // Adopt the host's record of this participant's ballot (after a reload, or another tab's change).
    const ballot = classroom?.ballot;
    const key = ballot ? `${ballot.pollId}:${ballot.choices.join(',')}:${ballot.text}` : '';
    if (ballot && poll && ballot.pollId === poll.id && key !== this.#ballotSeen) {
      this.#ballotSeen = key;
      this.selection = [...ballot.choices];
      this.freeText = ballot.text;
    }
    const timed = poll !== undefined && poll.status === PollStatus.OPEN && poll.closesAt > 0;
    if (timed && this.#tick === undefined) this.#tick = setInterval(() => (this.now = Date.now()), 250);
    if (!timed && this.#tick !== undefined) {
      clearInterval(this.#tick);
      this.#tick = undefined;
    }
  }

  #preparedSpec(): PollSpec {
    return {
      question: this.question,
      kind: this.kind,
      options: this.options.split('|').map((o) => o.trim()).filter(Boolean),
      multiple: this.multiple,
      anonymous: this.anonymous,
      durationSeconds: this.duration,
      correct: this.correct.split(',').map((c) => c.trim()).filter(Boolean).map(Number),
    };
  }

  #open(spec: PollSpec): void {
    const classroom = this.#classroom.classroom;
    if (!classroom) return;
    this.selection = [];
    this.freeText = '';
    this.#showComposer = false;
    if (classroom.openPoll(spec)) this.dispatchEvent(new BeckonPollChangeEvent('open'));
  }

  #close(publish: boolean): void {
    const classroom = this.#classroom.classroom;
    if (!classroom) return;
    const done = publish ? classroom.publishPoll() : classroom.closePoll();
    if (done) this.dispatchEvent(new BeckonPollChangeEvent(publish ? 'publish' : 'close'));
  }

  #pick(index: number, multiple: boolean): void {
    if (multiple) this.selection = this.selection.includes(index) ? this.selection.filter((i) => i !== index) : [...this.selection, index].sort((a, b) => a - b);
    else this.selection = [index];
  }

  #submit(event: SubmitEvent, poll: PollState): void {
    event.preventDefault();
    const classroom = this.#classroom.classroom;
    if (!classroom) return;
    const free = kindName(poll.kind) === 'free-text';
    const choices = free ? [] : this.selection;
    if (classroom.vote(choices, free ? this.freeText : '')) this.dispatchEvent(new BeckonVoteEvent(poll.id, choices, free ? this.freeText : ''));
  }

  override render() {
    const classroom = this.#classroom.classroom;
    const poll = this.poll;
    const teacher = classroom?.isTeacher === true;
    const statusText = poll ? this.#summary(poll) : '';
    return html`<section part="card" class="card" aria-labelledby="title">
      <h2 class="title" id="title">
        <span>${poll && poll.closesAt > 0 ? 'Quiz' : 'Poll'}</span>
        ${poll ? html`<span class="badge" data-status=${statusName(poll.status)}>${statusLabel(poll.status)}</span>` : nothing}
      </h2>
      <p class="visually-hidden" role="status">${statusText}</p>
      ${poll ? this.#renderPoll(poll, teacher) : teacher ? this.#renderComposer() : this.#renderWaiting()}
    </section>`;
  }

  #renderWaiting() {
    return html`<p class="empty">${this.question ? html`<span part="question" class="question">${this.question}</span><br />` : nothing}The teacher hasn't opened this poll yet.</p>`;
  }

  #renderComposer() {
    if (this.question) {
      const spec = this.#preparedSpec();
      const options = spec.kind === 'custom' ? (spec.options ?? []) : spec.kind === 'free-text' ? [] : presets[spec.kind];
      return html`<p part="question" class="question">${this.question}</p>
        ${options.length > 0 ? html`<ul class="preview">${options.map((o) => html`<li>${o}</li>`)}</ul>` : html`<p class="muted">Students answer in their own words.</p>`}
        <p class="meta">${kindLabels[spec.kind]}${spec.multiple ? ' · several answers' : ''}${spec.anonymous ? ' · anonymous' : ''}${spec.durationSeconds ? ` · ${spec.durationSeconds} s timer` : ''}</p>
        <div class="actions"><button class="primary" @click=${() => this.#open(spec)}>Start ${spec.durationSeconds ? 'quiz' : 'poll'}</button></div>`;
    }
    const draft = this.draft;
    const set = (patch: Partial<typeof draft>): void => {
      this.draft = { ...draft, ...patch };
    };
    return html`<form class="composer" @submit=${(e: SubmitEvent) => {
      e.preventDefault();
      this.#open({ ...draft, options: draft.optionsText.split('\n').map((o) => o.trim()).filter(Boolean) });
    }}>
      <label for="q">Question</label>
      <input id="q" required maxlength="500" .value=${draft.question} @input=${(e: InputEvent) => set({ question: (e.target as HTMLInputElement).value })} />
      <div class="grid">
        <div>
          <label for="kind">Answers</label>
          <select id="kind" .value=${draft.kind} @change=${(e: Event) => set({ kind: (e.target as HTMLSelectElement).value as PollKindName })}>
            ${Object.entries(kindLabels).map(([value, label]) => html`<option value=${value} ?selected=${value === draft.kind}>${label}</option>`)}
          </select>
        </div>
        <div>
          <label for="timer">Timer (seconds)</label>
          <input id="timer" type="number" min="0" max="3600" step="5" .value=${String(draft.durationSeconds ?? 0)} @input=${(e: InputEvent) => set({ durationSeconds: Number((e.target as HTMLInputElement).value) })} />
        </div>
      </div>
      ${draft.kind === 'custom'
        ? html`<label for="opts">Options, one per line</label>
            <textarea id="opts" rows="4" .value=${draft.optionsText} @input=${(e: InputEvent) => set({ optionsText: (e.target as HTMLTextAreaElement).value })}></textarea>`
        : nothing}
      <div class="checks">
        ${draft.kind !== 'free-text'
          ? html`<label><input type="checkbox" .checked=${draft.multiple === true} @change=${(e: Event) => set({ multiple: (e.target as HTMLInputElement).checked })} /> Several answers</label>`
          : nothing}
        <label><input type="checkbox" .checked=${draft.anonymous === true} @change=${(e: Event) => set({ anonymous: (e.target as HTMLInputElement).checked })} /> Anonymous</label>
      </div>
      <div class="actions"><button class="primary" type="submit">Start poll</button></div>
    </form>`;
  }

  #renderPoll(poll: PollState, teacher: boolean) {
    const open = poll.status === PollStatus.OPEN;
    const published = poll.status === PollStatus.PUBLISHED;
    const free = kindName(poll.kind) === 'free-text';
    // An open anonymous poll carries no running tally to members (see memberPollState).
    const showResults = teacher || published || (!this.hideLiveResults && !(poll.anonymous && poll.status === PollStatus.OPEN));
    const remaining = poll.closesAt > 0 && open ? Math.max(0, Math.ceil((poll.closesAt - this.now) / 1000)) : undefined;
    const classroom = this.#classroom.classroom!;
    return html`
      <p part="question" class="question">${poll.question}</p>
      <p class="meta">
        ${poll.multiple ? 'Choose all that apply' : free ? 'Answer in a few words' : 'Choose one'}${poll.anonymous ? ' · anonymous' : ''}
        ${remaining !== undefined ? html`<span class="timer" role="timer" aria-label="Time left">${remaining} s left</span>` : nothing}
      </p>
      ${!teacher && open ? this.#renderBallot(poll, free) : nothing}
      ${!teacher && !open && classroom.ballot?.pollId === poll.id ? html`<p class="mine">Your answer: ${this.#describeBallot(poll)}</p>` : nothing}
      ${showResults ? this.#renderResults(poll, free) : html`<p class="muted">Results appear when the teacher publishes them.</p>`}
      ${teacher ? this.#renderTeacherFooter(poll) : nothing}
    `;
  }

  #renderBallot(poll: PollState, free: boolean) {
    const classroom = this.#classroom.classroom!;
    const voted = classroom.ballot?.pollId === poll.id && (classroom.ballot.choices.length > 0 || classroom.ballot.text !== '');
    const changed = voted && (free ? this.freeText !== classroom.ballot!.text : this.selection.join() !== classroom.ballot!.choices.join());
    return html`<form class="ballot" @submit=${(e: SubmitEvent) => this.#submit(e, poll)}>
      ${free
        ? html`<label class="visually-hidden" for="answer">Your answer</label>
            <textarea id="answer" rows="2" maxlength="280" .value=${this.freeText} @input=${(e: InputEvent) => (this.freeText = (e.target as HTMLTextAreaElement).value)}></textarea>`
        : html`<fieldset>
            <legend class="visually-hidden">${poll.question}</legend>
            ${poll.options.map(
              (option, i) => html`<label part="option" class="option" ?data-selected=${this.selection.includes(i)}>
                <input type=${poll.multiple ? 'checkbox' : 'radio'} name="choice" .checked=${this.selection.includes(i)} @change=${() => this.#pick(i, poll.multiple)} />
                <span class="letter" aria-hidden="true">${String.fromCharCode(65 + i)}</span><span>${option}</span>
              </label>`,
            )}
          </fieldset>`}
      <div class="actions">
        <span class="muted">${voted ? (changed ? 'Not sent yet' : 'Vote recorded — you can change it until the poll closes') : ''}</span>
        <button class="primary" type="submit" ?disabled=${free ? this.freeText.trim() === '' : this.selection.length === 0}>${voted ? 'Change vote' : 'Vote'}</button>
      </div>
    </form>`;
  }

  #describeBallot(poll: PollState): string {
    const ballot = this.#classroom.classroom!.ballot!;
    if (ballot.text) return ballot.text;
    return ballot.choices.map((i) => poll.options[i] ?? '?').join(', ') || 'none';
  }

  #renderResults(poll: PollState, free: boolean) {
    const total = poll.respondents;
    const correct = new Set(poll.correct);
    return html`<div part="results" class="results">
      ${free
        ? poll.texts.length === 0
          ? html`<p class="empty">No answers yet.</p>`
          : html`<ul class="texts">${poll.texts.map((text) => html`<li>${text}</li>`)}</ul>`
        : poll.options.map((option, i) => {
            const count = poll.counts[i] ?? 0;
            const share = total === 0 ? 0 : Math.round((count / total) * 100);
            return html`<div class="result" ?data-correct=${correct.has(i)} data-option=${i}>
              <div class="result-label">
                <span><span class="letter small" aria-hidden="true">${String.fromCharCode(65 + i)}</span>${option}${correct.has(i) ? html` <span class="correct">✓ correct</span>` : nothing}</span>
                <span class="count"><span class="n">${count}</span> · ${share}%</span>
              </div>
              <div part="bar" class="track"><div class="fill" style="width:${share}%"></div></div>
            </div>`;
          })}
      <p class="respondents">${total} ${total === 1 ? 'person' : 'people'} answered${poll.multiple ? ' (each counted once per option chosen)' : ''}</p>
    </div>`;
  }

  #renderTeacherFooter(poll: PollState) {
    const classroom = this.#classroom.classroom!;
    const missing = classroom.notAnswered;
    return html`${!poll.anonymous && poll.status === PollStatus.OPEN
        ? html`<details class="missing" ?open=${missing.length > 0 && missing.length <= 8}>
            <summary>${missing.length === 0 ? 'Everyone has answered' : `${missing.length} not answered yet`}</summary>
            <ul>${missing.map((p) => html`<li>${p.name}</li>`)}</ul>
          </details>`
        : nothing}
      <div class="actions">
        ${poll.status === PollStatus.OPEN ? html`<button @click=${() => this.#close(false)}>Close poll</button>` : nothing}
        ${poll.status !== PollStatus.PUBLISHED ? html`<button class="primary" @click=${() => this.#close(true)}>Publish results</button>` : nothing}
        ${poll.status !== PollStatus.OPEN
          ? html`<button class="quiet" @click=${() => (this.question ? this.#open(this.#preparedSpec()) : this.#classroom.classroom && this.#reset())}>${this.question ? 'Run again' : 'New poll'}</button>`
          : nothing}
      </div>`;
  }

  #reset(): void {
    // A composed poll was closed: show the composer again by forgetting the finished poll locally.
    this.draft = { question: '', kind: 'letters', optionsText: '', multiple: false, anonymous: false, durationSeconds: 0 };
    this.#showComposer = true;
    this.requestUpdate();
  }

  #summary(poll: PollState): string {
    const answered = `${poll.respondents} answered`;
    if (poll.status === PollStatus.PUBLISHED) return `Results published. ${answered}.`;
    if (poll.status === PollStatus.CLOSED) return `Poll closed. ${answered}.`;
    return `Poll open: ${poll.question}. ${answered}.`;
  }
}

const presets: Record<Exclude<PollKindName, 'custom' | 'free-text'>, string[]> = {
  'yes-no': ['Yes', 'No'],
  'yes-no-abstain': ['Yes', 'No', 'Abstain'],
  'true-false': ['True', 'False'],
  letters: ['A', 'B', 'C', 'D'],
};

function statusName(status: PollStatus): string {
  return status === PollStatus.OPEN ? 'open' : status === PollStatus.CLOSED ? 'closed' : 'published';
}

function statusLabel(status: PollStatus): string {
  return status === PollStatus.OPEN ? 'Live' : status === PollStatus.CLOSED ? 'Closed' : 'Results published';
}
