import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { presetOptions } from '../../state/polls.ts';
import type { PollKindName, PollSpec, ResultsPolicyName } from '../../state/classroom-state.ts';

export const kindLabels: Record<PollKindName, string> = {
  'yes-no': 'Yes / No',
  'yes-no-abstain': 'Yes / No / Abstain',
  'true-false': 'True / False',
  letters: 'A – D',
  custom: 'Custom options',
  'free-text': 'Free text',
};

export const resultsLabels: Record<ResultsPolicyName | 'default', string> = {
  default: 'Default for this question',
  'after-answer': 'Once they have answered',
  'after-publish': 'When I publish them',
  live: 'Live, to everyone',
};

/** The teacher's draft of an ad-hoc question. */
export interface Draft {
  readonly question: string;
  readonly kind: PollKindName;
  readonly optionsText: string;
  readonly multiple: boolean;
  readonly anonymous: boolean;
  readonly durationSeconds: number;
  readonly correct: readonly number[];
  readonly results: ResultsPolicyName | 'default';
}

export const emptyDraft: Draft = { question: '', kind: 'letters', optionsText: '', multiple: false, anonymous: false, durationSeconds: 0, correct: [], results: 'default' };

export function draftOptions(draft: Draft): string[] {
  if (draft.kind === 'custom') return draft.optionsText.split('\n').map((o) => o.trim()).filter(Boolean);
  return draft.kind === 'free-text' ? [] : [...presetOptions[draft.kind]];
}

export function draftSpec(draft: Draft): PollSpec {
  const options = draftOptions(draft);
  return {
    question: draft.question,
    kind: draft.kind,
    options,
    multiple: draft.multiple,
    anonymous: draft.anonymous,
    durationSeconds: draft.durationSeconds,
    correct: draft.correct.filter((i) => i < options.length),
    ...(draft.results === 'default' ? {} : { results: draft.results }),
  };
}

/** The composer form: every kind of poll the components support, with a timer, correct answers and the results policy. */
export function renderComposer(draft: Draft, set: (patch: Partial<Draft>) => void, open: (spec: PollSpec) => void): TemplateResult {
  const options = draftOptions(draft);
  const toggleCorrect = (i: number, on: boolean): void => {
    const others = draft.correct.filter((c) => c !== i);
    set({ correct: on ? (draft.multiple ? [...others, i].sort((a, b) => a - b) : [i]) : others });
  };
  return html`<form class="composer" aria-label="Ask a question" @submit=${(e: SubmitEvent) => {
    e.preventDefault();
    open(draftSpec(draft));
  }}>
    <label for="q">Question</label>
    <input id="q" required maxlength="500" .value=${draft.question} @input=${(e: InputEvent) => set({ question: (e.target as HTMLInputElement).value })} />
    <div class="grid">
      <div>
        <label for="kind">Answers</label>
        <select id="kind" .value=${draft.kind} @change=${(e: Event) => set({ kind: (e.target as HTMLSelectElement).value as PollKindName, correct: [] })}>
          ${Object.entries(kindLabels).map(([value, label]) => html`<option value=${value} ?selected=${value === draft.kind}>${label}</option>`)}
        </select>
      </div>
      <div>
        <label for="timer">Timer (seconds, 0 = none)</label>
        <input id="timer" type="number" min="0" max="3600" step="5" .value=${String(draft.durationSeconds)}
          @input=${(e: InputEvent) => set({ durationSeconds: Math.max(0, Number((e.target as HTMLInputElement).value) || 0) })} />
      </div>
    </div>
    ${draft.kind === 'custom'
      ? html`<label for="opts">Options, one per line (2 to 10)</label>
          <textarea id="opts" rows="4" .value=${draft.optionsText} @input=${(e: InputEvent) => set({ optionsText: (e.target as HTMLTextAreaElement).value })}></textarea>`
      : nothing}
    <div class="checks">
      ${draft.kind !== 'free-text'
        ? html`<label><input type="checkbox" name="multiple" .checked=${draft.multiple} @change=${(e: Event) => set({ multiple: (e.target as HTMLInputElement).checked, correct: [] })} /> Several answers</label>`
        : nothing}
      <label><input type="checkbox" name="anonymous" .checked=${draft.anonymous} @change=${(e: Event) => set({ anonymous: (e.target as HTMLInputElement).checked })} /> Anonymous</label>
    </div>
    ${options.length > 0
      ? html`<fieldset class="correct-set">
          <legend>Correct answer${draft.multiple ? 's' : ''} (optional: makes it a quiz)</legend>
          <div class="checks">
            ${options.map(
              (option, i) => html`<label><input type="checkbox" name="correct" .checked=${draft.correct.includes(i)} @change=${(e: Event) => toggleCorrect(i, (e.target as HTMLInputElement).checked)} />
                ${option}</label>`,
            )}
          </div>
        </fieldset>`
      : nothing}
    <div>
      <label for="results">Students see the results</label>
      <select id="results" .value=${draft.results} @change=${(e: Event) => set({ results: (e.target as HTMLSelectElement).value as Draft['results'] })}>
        ${Object.entries(resultsLabels).map(([value, label]) => html`<option value=${value} ?selected=${value === draft.results}>${label}</option>`)}
      </select>
    </div>
    <div class="actions"><button class="primary" type="submit">${draft.durationSeconds > 0 || draft.correct.length > 0 ? 'Start quiz' : 'Start poll'}</button></div>
  </form>`;
}
