import { css } from 'lit';

/**
 * The look every Beckon element shares (media and classroom alike), so one page theme styles them all:
 * --beckon-accent, --beckon-accent-contrast, --beckon-accent-soft, --beckon-surface, --beckon-surface-muted,
 * --beckon-text, --beckon-muted, --beckon-border, --beckon-radius, --beckon-font, --beckon-success, --beckon-danger.
 */
export const theme = css`
  :host {
    --_accent: var(--beckon-accent, #4f46e5);
    --_accent-contrast: var(--beckon-accent-contrast, #ffffff);
    --_accent-soft: var(--beckon-accent-soft, color-mix(in srgb, var(--_accent) 12%, transparent));
    --_surface: var(--beckon-surface, #ffffff);
    --_surface-muted: var(--beckon-surface-muted, #f6f7fb);
    --_text: var(--beckon-text, #1c2033);
    --_muted: var(--beckon-muted, #5d6479);
    --_border: var(--beckon-border, #e3e6ef);
    --_radius: var(--beckon-radius, 14px);
    --_success: var(--beckon-success, #0a7350);
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
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
