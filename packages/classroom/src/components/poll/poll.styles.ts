import { css } from 'lit';

export const styles = css`
  :host([data-elsewhere]) {
    display: none;
  }
  .badge {
    text-transform: none;
    letter-spacing: 0;
    font-size: 0.75rem;
    padding: 0.15rem 0.55rem;
    border-radius: 999px;
    background: var(--_surface-muted);
    border: 1px solid var(--_border);
    color: var(--_muted);
  }
  .badge[data-status='open'] {
    color: color-mix(in srgb, var(--_success) 75%, black);
    border-color: color-mix(in srgb, var(--_success) 35%, transparent);
    background: color-mix(in srgb, var(--_success) 10%, transparent);
  }
  .badge[data-status='published'] {
    color: var(--_accent);
    border-color: color-mix(in srgb, var(--_accent) 35%, transparent);
    background: var(--_accent-soft);
  }
  .question {
    font-size: 1.1rem;
    font-weight: 700;
    margin: 0 0 0.25rem;
  }
  .meta {
    display: flex;
    align-items: center;
    gap: 0.6rem;
    margin: 0 0 0.8rem;
    color: var(--_muted);
    font-size: 0.85rem;
  }
  .timer {
    margin-left: auto;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
    color: var(--_danger);
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.45rem;
  }
  .option {
    display: flex;
    align-items: center;
    gap: 0.65rem;
    padding: 0.6rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: 10px;
    cursor: pointer;
    transition: border-color 120ms, background 120ms;
  }
  .option:hover {
    border-color: color-mix(in srgb, var(--_accent) 45%, var(--_border));
  }
  .option[data-selected] {
    border-color: var(--_accent);
    background: var(--_accent-soft);
  }
  .option input {
    accent-color: var(--_accent);
    margin: 0;
  }
  .letter {
    display: inline-grid;
    place-items: center;
    width: 1.6rem;
    height: 1.6rem;
    border-radius: 8px;
    background: var(--_surface-muted);
    border: 1px solid var(--_border);
    font-weight: 700;
    font-size: 0.8rem;
    color: var(--_muted);
  }
  .letter.small {
    width: 1.3rem;
    height: 1.3rem;
    margin-right: 0.45rem;
    font-size: 0.7rem;
  }
  .option[data-selected] .letter {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-contrast);
  }
  .actions {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: 0.5rem;
    margin-top: 0.85rem;
  }
  .actions .muted {
    margin-right: auto;
    font-size: 0.85rem;
  }
  .results {
    display: grid;
    gap: 0.6rem;
    margin-top: 1rem;
  }
  .result-label {
    display: flex;
    justify-content: space-between;
    gap: 0.5rem;
    font-size: 0.9rem;
    margin-bottom: 0.25rem;
  }
  .count {
    color: var(--_muted);
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .count .n {
    color: var(--_text);
    font-weight: 700;
  }
  .track {
    height: 0.6rem;
    border-radius: 999px;
    background: var(--_surface-muted);
    overflow: hidden;
  }
  .fill {
    height: 100%;
    border-radius: inherit;
    background: var(--_accent);
    transition: width 300ms ease;
  }
  .result[data-correct] .fill {
    background: var(--_success);
  }
  .correct {
    color: var(--_success);
    font-weight: 700;
    font-size: 0.8rem;
  }
  .respondents {
    margin: 0.2rem 0 0;
    font-size: 0.85rem;
    color: var(--_muted);
  }
  .texts {
    margin: 0;
    padding: 0;
    list-style: none;
    display: grid;
    gap: 0.35rem;
  }
  .texts li {
    padding: 0.45rem 0.65rem;
    background: var(--_surface-muted);
    border-radius: 10px;
    overflow-wrap: anywhere;
  }
  textarea {
    width: 100%;
    resize: vertical;
  }
  .mine {
    font-weight: 600;
  }
  .preview {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
    list-style: none;
    margin: 0.5rem 0;
    padding: 0;
  }
  .preview li {
    padding: 0.25rem 0.6rem;
    border-radius: 8px;
    background: var(--_surface-muted);
    border: 1px solid var(--_border);
    font-size: 0.85rem;
  }
  .composer label {
    display: block;
    font-weight: 600;
    font-size: 0.85rem;
    margin: 0.6rem 0 0.25rem;
  }
  .composer input:not([type='checkbox']),
  .composer select {
    width: 100%;
  }
  .grid {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 0.75rem;
  }
  .checks {
    display: flex;
    gap: 1rem;
    margin-top: 0.5rem;
  }
  .checks label {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    font-weight: 500;
    margin: 0;
  }
  .missing {
    margin-top: 0.8rem;
    font-size: 0.85rem;
    color: var(--_muted);
  }
  .missing ul {
    display: flex;
    flex-wrap: wrap;
    gap: 0.3rem;
    list-style: none;
    padding: 0;
    margin: 0.4rem 0 0;
  }
  .missing li {
    padding: 0.1rem 0.5rem;
    border-radius: 999px;
    background: var(--_surface-muted);
    border: 1px solid var(--_border);
  }
  .note {
    color: var(--_muted);
    font-size: 0.85rem;
  }
  .note[data-state='recorded'] {
    color: color-mix(in srgb, var(--_success) 75%, black);
    font-weight: 600;
  }
  .note[data-state='refused'] {
    color: var(--_danger);
    font-weight: 600;
  }
  .moderation li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4rem;
  }
  .moderation li[data-approved] {
    border-color: color-mix(in srgb, var(--_success) 45%, transparent);
  }
  .moderation button {
    margin-left: auto;
  }
  .answer-text {
    overflow-wrap: anywhere;
  }
  .correct-set {
    padding: 0;
  }
  .correct-set legend {
    padding: 0;
    font-weight: 600;
    font-size: 0.85rem;
    margin-bottom: 0.35rem;
  }
  .earlier {
    margin-top: 0.9rem;
    border-top: 1px solid var(--_border);
    padding-top: 0.6rem;
  }
  .earlier summary {
    cursor: pointer;
    font-weight: 600;
    font-size: 0.9rem;
  }
  .earlier-poll {
    margin-top: 0.7rem;
  }
  .earlier-poll .question {
    font-size: 0.95rem;
  }
`;
