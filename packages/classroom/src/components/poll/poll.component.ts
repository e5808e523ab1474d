import { html, LitElement, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { PollStatus } from '../../gen/classroom.ts';
import type { PollState } from '../../gen/classroom.ts';
import { kindName, presetOptions, resultsName } from '../../state/polls.ts';
import type { PollKindName, PollSpec, ResultsPolicyName } from '../../state/classroom-state.ts';
import { emptyDraft, kindLabels, renderComposer } from './composer.ts';
import type { Draft } from './composer.ts';
import { ClassroomController } from '../shared/classroom-controller.ts';
import { BeckonPollChangeEvent, BeckonVoteEvent } from '../shared/events.ts';
import { theme } from '../shared/theme.ts';
import { styles } from './poll.styles.ts';

/**
 * A poll or timed quiz. With a `question` attribute it is a poll the author prepared: the teacher starts it with
 * one click, and it shows that poll (its published results too, to late joiners). Without one, the teacher composes
 * any poll (every kind, a timer, correct answers, who sees the results), and students see whatever poll the teacher
 * opened. A student's vote shows as recorded only once the host accepted it; a refused vote says why and stays
 * editable. Results show as the poll's policy allows; free-text answers only once the teacher approved them.
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
  /** Who sees the results before they are published: after-answer, after-publish or live (default: see PollSpec). */
  @property() results: ResultsPolicyName | '' = '';
  /**
   * Without a `question`: show nothing while the current poll is one of the page's prepared polls (the page shows it
   * there already); a sidebar "current poll" card uses it on wide screens.
   */
  @property({ type: Boolean, reflect: true, attribute: 'hide-prepared' }) hidePrepared = false;
  /** Students see results only once the teacher publishes them (same as `results="after-publish"`). */
  @property({ type: Boolean, reflect: true, attribute: 'hide-live-results' }) hideLiveResults = false;

  @state() private selection: number[] = [];
  @state() private freeText = '';
  @state() private draft: Draft = emptyDraft;
  @state() private now = Date.now();
  readonly #classroom = new ClassroomController(this, ['poll', 'ballot', 'participants', 'published']);
  #tick: ReturnType<typeof setInterval> | undefined;
  #ballotSeen = '';
  /** The poll the selection belongs to: a new poll starts with nothing selected. */
  #selectionFor = '';
  #showComposer = false;
  #last: PollState | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#tick);
  }

  /** The poll this element shows: the current one, if it is this element's prepared poll (or it has none). */
  get poll(): PollState | undefined {
    const classroom = this.#classroom.classroom;
    const poll = classroom?.poll;
    // A prepared poll keeps showing its last results after the teacher moves on; a late joiner finds them published.
    const published = this.question ? classroom?.published.findLast((p) => p.question === this.question.trim()) : undefined;
    if (!poll) return this.#last ?? published;
    if (this.question && poll.question !== this.question.trim()) return published ?? this.#last;
    if (this.#showComposer && poll.status !== PollStatus.OPEN) return undefined;
    if (this.question) this.#last = poll;
    return poll;
  }

  protected override willUpdate(changed: PropertyValues): void {
    void changed;
    const classroom = this.#classroom.classroom;
    const poll = this.poll;
    // Adopt the host's record of this participant's ballot (after a reload, or another tab's change).
    if (poll && poll.id !== this.#selectionFor) {
      this.#selectionFor = poll.id;
      this.selection = [];
      this.freeText = '';
      this.#ballotSeen = '';
    }
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
      ...(this.results ? { results: this.results } : this.hideLiveResults ? { results: 'after-publish' as const } : {}),
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
    if (this.#shownElsewhere(poll)) {
      this.toggleAttribute('data-elsewhere', true);
      return nothing;
    }
    this.toggleAttribute('data-elsewhere', false);
    // Landmark names are unique on a page: a prepared card is named by its question, the generic one as current.
    const kind = poll && (poll.closesAt > 0 || poll.correct.length > 0) ? 'Quiz' : 'Poll';
    const label = this.question ? `${kind}: ${this.question}` : poll ? `Current ${kind.toLowerCase()}: ${poll.question}` : teacher ? 'Ask a question' : 'Current poll';
    return html`<section part="card" class="card" aria-label=${label}>
      <h2 class="title">
        <span>${poll && poll.closesAt > 0 ? 'Quiz' : 'Poll'}</span>
        ${poll ? html`<span class="badge" data-status=${statusName(poll.status)}>${statusLabel(poll.status)}</span>` : nothing}
      </h2>
      <p class="visually-hidden" role="status">${statusText}</p>
      ${poll ? this.#renderPoll(poll, teacher) : teacher ? this.#renderComposer() : this.#renderWaiting()}
      ${this.question ? nothing : this.#renderEarlier(poll)}
    </section>`;
  }

  /** The generic card: earlier published polls (a late joiner or a reloaded student sees them all). */
  #renderEarlier(current: PollState | undefined) {
    const earlier = (this.#classroom.classroom?.published ?? []).filter((p) => p.id !== current?.id);
    if (earlier.length === 0) return nothing;
    return html`<details class="earlier">
      <summary>Earlier results (${earlier.length})</summary>
      ${earlier
        .slice()
        .reverse()
        .map((p) => html`<div class="earlier-poll"><p class="question">${p.question}</p>${this.#renderResults(p, kindName(p.kind) === 'free-text', false)}</div>`)}
    </details>`;
  }

  /** A generic card with `hide-prepared`, while the current poll has its own prepared card in the room. */
  #shownElsewhere(poll: PollState | undefined): boolean {
    if (!this.hidePrepared || this.question || !poll) return false;
    // The teacher needs this card for the next question once the prepared one is closed.
    if (this.#classroom.classroom?.isTeacher && poll.status !== PollStatus.OPEN) return false;
    const room = this.closest('beckon-room');
    return [...(room?.querySelectorAll('beckon-poll[question]') ?? [])].some((card) => (card as BeckonPoll).question.trim() === poll.question);
  }

  #renderWaiting() {
    return this.question
      ? html`<p class="empty"><span part="question" class="question">${this.question}</span><br />The teacher hasn't opened this poll yet.</p>`
      : html`<p class="empty">No question right now. When your teacher asks one, it appears here.</p>`;
  }

  #renderComposer() {
    if (this.question) {
      const spec = this.#preparedSpec();
      const options = spec.kind === 'custom' ? (spec.options ?? []) : spec.kind === 'free-text' ? [] : presetOptions[spec.kind];
      return html`<p part="question" class="question">${this.question}</p>
        ${options.length > 0 ? html`<ul class="preview">${options.map((o) => html`<li>${o}</li>`)}</ul>` : html`<p class="muted">Students answer in their own words.</p>`}
        <p class="meta">${kindLabels[spec.kind]}${spec.multiple ? ' · several answers' : ''}${spec.anonymous ? ' · anonymous' : ''}${spec.durationSeconds ? ` · ${spec.durationSeconds} s timer` : ''}</p>
        <div class="actions"><button class="primary" @click=${() => this.#open(spec)}>Start ${spec.durationSeconds ? 'quiz' : 'poll'}</button></div>`;
    }
    return renderComposer(this.draft, (patch) => (this.draft = { ...this.draft, ...patch }), (spec) => this.#open(spec));
  }

  #renderPoll(poll: PollState, teacher: boolean) {
    const open = poll.status === PollStatus.OPEN;
    const published = poll.status === PollStatus.PUBLISHED;
    const free = kindName(poll.kind) === 'free-text';
    // The host sends a student only the results the poll's policy lets them see (`withheld` otherwise).
    const showResults = teacher || !poll.withheld;
    const policy = resultsName(poll.results);
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
      ${showResults
        ? this.#renderResults(poll, free, teacher)
        : html`<p class="muted withheld">${poll.respondents} answered so far. ${policy === 'after-answer' && open ? 'You see the results once you have answered.' : 'Results appear when the teacher publishes them.'}</p>`}
      ${teacher ? this.#renderTeacherFooter(poll) : nothing}
    `;
  }

  #renderBallot(poll: PollState, free: boolean) {
    const classroom = this.#classroom.classroom!;
    const voted = classroom.ballot?.pollId === poll.id && (classroom.ballot.choices.length > 0 || classroom.ballot.text !== '');
    const status = classroom.ballotStatus?.pollId === poll.id ? classroom.ballotStatus : undefined;
    const mine = free ? this.freeText : this.selection.join();
    const sentNow = status && (free ? status.text : status.choices.join()) === mine;
    const recorded = voted && (free ? classroom.ballot!.text : classroom.ballot!.choices.join()) === mine;
    const note = sentNow && status.state === 'sending' ? 'Sending your vote…'
      : sentNow && status.state === 'refused' ? `Not recorded: ${status.reason}`
      : recorded ? 'Vote recorded — you can change it until the poll closes'
      : voted ? 'Not sent yet' : '';
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
        <span class="note" role="status" data-state=${sentNow ? status.state : recorded ? 'recorded' : ''}>${note}</span>
        <button class="primary" type="submit" ?disabled=${(free ? this.freeText.trim() === '' : this.selection.length === 0) || (sentNow && status.state === 'sending')}>${voted ? 'Change vote' : 'Vote'}</button>
      </div>
    </form>`;
  }

  #describeBallot(poll: PollState): string {
    const ballot = this.#classroom.classroom!.ballot!;
    if (ballot.text) return ballot.text;
    return ballot.choices.map((i) => poll.options[i] ?? '?').join(', ') || 'none';
  }

  #renderResults(poll: PollState, free: boolean, teacher: boolean) {
    const total = poll.respondents;
    const correct = new Set(poll.correct);
    const classroom = this.#classroom.classroom!;
    return html`<div part="results" class="results">
      ${free && teacher
        ? this.#renderModeration(classroom)
        : free
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
      ${free && !teacher && poll.texts.length < total ? html`<p class="muted">Answers appear here once the teacher has read them.</p>` : nothing}
      <p class="respondents">${total} ${total === 1 ? 'person' : 'people'} answered${poll.multiple ? ' (each counted once per option chosen)' : ''}</p>
    </div>`;
  }

  /** Teacher: every free-text answer, each shown to the class only once approved. */
  #renderModeration(classroom: NonNullable<ClassroomController['classroom']>) {
    const answers = classroom.answers;
    if (answers.length === 0) return html`<p class="empty">No answers yet.</p>`;
    return html`<ul class="texts moderation" aria-label="Answers to approve">
      ${answers.map(
        (a) => html`<li ?data-approved=${a.approved}>
          <span class="answer-text">${a.text}</span>${a.name ? html` <span class="muted">— ${a.name}</span>` : nothing}
          <button class="quiet" aria-pressed=${a.approved ? 'true' : 'false'} @click=${() => classroom.moderateAnswer(a.participantId, !a.approved)}>
            ${a.approved ? 'Shown to class' : 'Show to class'}
          </button>
        </li>`,
      )}
    </ul>`;
  }

  #renderTeacherFooter(poll: PollState) {
    const classroom = this.#classroom.classroom!;
    const missing = classroom.notAnswered;
    // Kept after the poll closes: the teacher follows up with whoever did not answer.
    return html`${!poll.anonymous
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
    this.draft = emptyDraft;
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

function statusName(status: PollStatus): string {
  return status === PollStatus.OPEN ? 'open' : status === PollStatus.CLOSED ? 'closed' : 'published';
}

function statusLabel(status: PollStatus): string {
  return status === PollStatus.OPEN ? 'Live' : status === PollStatus.CLOSED ? 'Closed' : 'Results published';
}
