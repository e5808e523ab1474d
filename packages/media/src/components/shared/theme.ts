import { css } from 'lit';

/**
 * The classroom components' custom properties, so one page theme styles both: --beckon-accent,
 * --beckon-accent-contrast, --beckon-surface, --beckon-surface-muted, --beckon-text, --beckon-muted,
 * --beckon-border, --beckon-radius, --beckon-font, --beckon-success, --beckon-danger.
 */
export const theme = css`
  :host {
    --_accent: var(--beckon-accent, #4f46e5);
    --_accent-contrast: var(--beckon-accent-contrast, #ffffff);
    --_surface: var(--beckon-surface, #ffffff);
    --_surface-muted: var(--beckon-surface-muted, #f6f7fb);
    --_text: var(--beckon-text, #1c2033);
    --_muted: var(--beckon-muted, #5d6479);
    --_border: var(--beckon-border, #e3e6ef);
    --_radius: var(--beckon-radius, 14px);
    --_success: var(--beckon-success, #0f8a5f);
    --_danger: var(--beckon-danger, #c2334d);
    display: block;
    box-sizing: border-box;
    color: var(--_text);
    font-family: var(--beckon-font, inherit);
    font-size: 0.95rem;
    line-height: 1.45;
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
