import { css } from 'lit';
import { theme } from '../shared/theme.ts';

export const videoGridStyles = [
  theme,
  css`
    :host {
      --_tile-min: var(--beckon-video-tile-min, 240px);
      --_aspect: var(--beckon-video-aspect, 4 / 3);
      --_video-bg: var(--beckon-video-background, #111827);
      --_gap: var(--beckon-video-gap, 0.6rem);
      position: relative;
    }
    :host([compact]) {
      --_tile-min: var(--beckon-video-tile-min, 140px);
      font-size: 0.8rem;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(var(--_tile-min), 1fr));
      gap: var(--_gap);
      align-items: start;
    }
    .tile {
      position: relative;
      margin: 0;
      aspect-ratio: var(--_aspect);
      overflow: hidden;
      border-radius: var(--_radius);
      background: var(--_video-bg);
      border: 2px solid transparent;
    }
    .tile[data-stage] {
      border-color: var(--_accent);
    }
    .video {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      object-fit: cover;
      background: var(--_video-bg);
    }
    .tile[data-self] .video {
      /* A mirror, as people expect of their own camera. */
      transform: scaleX(-1);
    }
    .video[hidden] {
      display: none;
    }
    .placeholder {
      position: absolute;
      inset: 0;
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      gap: 0.4rem;
      color: #e5e7eb;
    }
    .initials {
      display: grid;
      place-items: center;
      width: 3.4em;
      height: 3.4em;
      border-radius: 50%;
      background: color-mix(in srgb, var(--_accent) 70%, #000);
      color: var(--_accent-contrast);
      font-size: 1.2em;
      font-weight: 700;
    }
    .why {
      font-size: 0.8em;
      color: #cbd5e1;
    }
    .label {
      position: absolute;
      left: 0.5rem;
      bottom: 0.5rem;
      right: 0.5rem;
      display: flex;
      align-items: center;
      gap: 0.35rem;
      min-width: 0;
      pointer-events: none;
    }
    .name {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      padding: 0.15rem 0.5rem;
      border-radius: 999px;
      background: rgb(17 24 39 / 0.72);
      color: #fff;
      font-weight: 600;
    }
    .badge {
      padding: 0.1rem 0.45rem;
      border-radius: 999px;
      background: var(--_accent);
      color: var(--_accent-contrast);
      font-size: 0.75em;
      font-weight: 700;
      letter-spacing: 0.02em;
    }
    .muted,
    .camera-off {
      display: inline-grid;
      place-items: center;
      width: 1.7em;
      height: 1.7em;
      border-radius: 50%;
      background: var(--_danger);
      color: #fff;
    }
    .camera-off {
      background: rgb(17 24 39 / 0.72);
    }
    .empty {
      grid-column: 1 / -1;
      margin: 0;
      padding: 2rem 1rem;
      text-align: center;
      color: var(--_muted);
      background: var(--_surface-muted);
      border: 1px dashed var(--_border);
      border-radius: var(--_radius);
    }
    .sound {
      position: absolute;
      top: 0.6rem;
      right: 0.6rem;
      font: inherit;
      font-weight: 600;
      padding: 0.4rem 0.8rem;
      border-radius: 10px;
      border: 0;
      background: var(--_accent);
      color: var(--_accent-contrast);
      cursor: pointer;
    }
    .sound:focus-visible {
      outline: 3px solid color-mix(in srgb, var(--_accent) 45%, transparent);
      outline-offset: 2px;
    }
  `,
];
