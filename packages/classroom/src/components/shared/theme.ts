import { baseTheme } from '@beckon/media';
import { css } from 'lit';

/**
 * Shared look: the base every Beckon element shares (custom properties, box sizing; from `@beckon/media`, so a page
 * theme styles the classroom and the video elements alike), plus the classroom's cards, buttons and fields.
 */
export const theme = [
  baseTheme,
  css`
  .card {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 1rem 1.1rem;
    box-shadow: 0 1px 2px rgb(20 24 48 / 0.04), 0 4px 16px rgb(20 24 48 / 0.05);
  }
  .title {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem;
    margin: 0 0 0.75rem;
    font-size: 0.8rem;
    font-weight: 700;
    letter-spacing: 0.06em;
    text-transform: uppercase;
    color: var(--_muted);
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: 10px;
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_text);
    padding: 0.45rem 0.85rem;
    font-weight: 600;
    transition: background 120ms, border-color 120ms, transform 80ms;
  }
  button:hover:not(:disabled) {
    border-color: color-mix(in srgb, var(--_accent) 45%, var(--_border));
  }
  button:active:not(:disabled) {
    transform: translateY(1px);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-contrast);
  }
  button.primary:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_accent) 88%, black);
  }
  button.quiet {
    border-color: transparent;
    background: transparent;
    color: var(--_muted);
    padding: 0.3rem 0.55rem;
  }
  button:focus-visible,
  input:focus-visible,
  textarea:focus-visible,
  select:focus-visible {
    outline: 3px solid color-mix(in srgb, var(--_accent) 55%, transparent);
    outline-offset: 2px;
  }
  input,
  textarea,
  select {
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: 10px;
    padding: 0.5rem 0.65rem;
  }
  .muted {
    color: var(--_muted);
  }
  .empty {
    color: var(--_muted);
    font-size: 0.9rem;
    margin: 0.25rem 0;
  }
  .avatar {
    flex: none;
    display: inline-grid;
    place-items: center;
    width: 2rem;
    height: 2rem;
    border-radius: 999px;
    font-size: 0.8rem;
    font-weight: 700;
    color: #fff;
  }
`,
];

/** Initials for an avatar. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]!, parts.at(-1)!] : parts;
  return letters.map((part) => [...part][0]?.toUpperCase() ?? '').join('') || '?';
}

// Each at least 4.5:1 against the white initials (WCAG AA).
const palette = ['#4f46e5', '#0b7a53', '#c2334d', '#b45309', '#0369a1', '#7c3aed', '#be185d', '#047857'];

/** A stable colour per participant. */
export function colorFor(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return palette[Math.abs(hash) % palette.length]!;
}

export function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${n % 10 > 3 ? 'th' : suffix}`;
}
