import { html, LitElement, nothing } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { MediaTile, RoomMedia } from '../../room-media.ts';
import { micOffIcon, cameraOffIcon } from '../shared/icons.ts';
import { MediaController } from '../shared/media-controller.ts';
import { videoGridStyles } from './video-grid.styles.ts';

/**
 * The room's live video: the stage (the host and members on stage) or, in mesh mode, a tile per player.
 * Each tile is labelled with the participant's name and shows when the microphone is muted or the camera off.
 *
 * @csspart grid - The container of the tiles.
 * @csspart tile - One participant's tile (`data-participant` holds its id; `data-self`, `data-host`, `data-stage`).
 * @csspart video - The `<video>` in a tile.
 * @csspart placeholder - Shown instead of the video while the camera is off or the stream is not there yet.
 * @csspart label - The name bar at the bottom of a tile.
 * @csspart badge - "Host", "On stage", "You".
 * @csspart muted - The muted-microphone marker.
 * @csspart empty - The message shown when nobody publishes.
 * @csspart sound - The button that turns sound on when the browser blocked autoplay with sound.
 * @cssproperty --beckon-video-tile-min - Narrowest tile before the grid wraps (default 240px; 140px when compact).
 * @cssproperty --beckon-video-aspect - Tile aspect ratio (default 4 / 3).
 * @cssproperty --beckon-video-background - Behind the video and the placeholder (default #111827).
 * @cssproperty --beckon-video-gap - Space between tiles (default 0.6rem).
 */
export class BeckonVideoGrid extends LitElement {
  static override styles = videoGridStyles;
  static override properties = {
    media: { attribute: false },
    compact: { type: Boolean, reflect: true },
    label: {},
    soundBlocked: { state: true },
  };

  /** The room's media (`createRoomMedia`). */
  media: RoomMedia | undefined;
  /** Small tiles, for game overlays. */
  compact = false;
  /** Accessible name of the grid. */
  label = 'Live video';
  soundBlocked = false;
  /** Tells media how wide each tile is, so an SFU sends the simulcast layer that fits it. */
  #sizes: ResizeObserver | undefined;

  constructor() {
    super();
    new MediaController(this);
  }

  override render(): TemplateResult {
    const tiles = this.media?.tiles ?? [];
    return html`
      <section part="grid" class="grid" aria-label=${this.label} data-count=${tiles.length}>
        ${repeat(tiles, (tile) => tile.participantId, (tile) => this.#tile(tile))}
        ${tiles.length === 0 ? html`<p part="empty" class="empty">${this.#emptyText()}</p>` : nothing}
      </section>
      ${this.soundBlocked
        ? html`<button part="sound" class="sound" type="button" @click=${this.#enableSound}>Turn on sound</button>`
        : nothing}
      <p class="visually-hidden" role="status">${this.#announcement(tiles)}</p>
    `;
  }

  #tile(tile: MediaTile): TemplateResult {
    const showVideo = tile.stream !== undefined && tile.camera && tile.hasCamera;
    const badge = tile.host ? 'Host' : tile.onStage ? 'On stage' : '';
    const muted = !tile.mic;
    const states = [tile.self ? 'you' : '', badge.toLowerCase(), muted ? 'microphone muted' : 'microphone on', tile.camera && tile.hasCamera ? '' : 'camera off']
      .filter((part) => part !== '')
      .join(', ');
    return html`
      <figure
        part="tile"
        class="tile"
        role="group"
        aria-label=${`${tile.name}: ${states}`}
        data-participant=${tile.participantId}
        ?data-self=${tile.self}
        ?data-host=${tile.host}
        ?data-stage=${tile.onStage}
        ?data-muted=${muted}
        ?data-camera-off=${!showVideo}
      >
        <video part="video" class="video" autoplay playsinline aria-hidden="true" .muted=${tile.self || this.soundBlocked} .srcObject=${tile.stream ?? null} ?hidden=${!showVideo}></video>
        ${showVideo
          ? nothing
          : html`<div part="placeholder" class="placeholder" aria-hidden="true">
              <span class="initials">${initials(tile.name)}</span>
              <span class="why">${tile.error !== '' ? 'No camera' : tile.stream === undefined && !tile.self ? 'Connecting…' : 'Camera off'}</span>
            </div>`}
        <figcaption part="label" class="label">
          <span class="name">${tile.name}${tile.self ? ' (you)' : ''}</span>
          ${badge === '' ? nothing : html`<span part="badge" class="badge">${badge}</span>`}
          ${muted ? html`<span part="muted" class="muted" title="Microphone muted">${micOffIcon}<span class="visually-hidden">Microphone muted</span></span>` : nothing}
          ${tile.camera && tile.hasCamera ? nothing : html`<span class="camera-off" title="Camera off" aria-hidden="true">${cameraOffIcon}</span>`}
        </figcaption>
      </figure>
    `;
  }

  #emptyText(): string {
    if (!this.media) return 'Video is not connected.';
    return this.media.mode === 'mesh' ? 'No players on video yet.' : 'Waiting for the host’s video…';
  }

  /** One sentence about who is on video, for screen readers (a status region, polite). */
  #announcement(tiles: readonly MediaTile[]): string {
    const stage = tiles.filter((tile) => tile.onStage).map((tile) => tile.name);
    if (stage.length > 0) return `On stage: ${stage.join(', ')}.`;
    return tiles.length === 0 ? '' : `${tiles.length} on video.`;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#sizes?.disconnect();
    this.#sizes = undefined;
  }

  #observeSizes(): void {
    this.#sizes ??= new ResizeObserver((entries) => {
      for (const entry of entries) {
        const id = (entry.target as HTMLElement).dataset['participant'];
        if (id !== undefined) this.media?.setTileSize(id, Math.round(entry.contentRect.width * (globalThis.devicePixelRatio || 1)));
      }
    });
    // Observing an element twice is a no-op; removed tiles drop out of the observer with the element.
    for (const tile of this.renderRoot.querySelectorAll<HTMLElement>('.tile')) this.#sizes.observe(tile);
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    this.#observeSizes();
    for (const video of this.renderRoot.querySelectorAll('video')) {
      if (video.srcObject === null || !video.paused) continue;
      video.play().catch((error: unknown) => {
        // Browsers refuse autoplay with sound before the person interacted: play muted, offer a button.
        if ((error as { name?: string }).name !== 'NotAllowedError' || video.muted) return;
        this.soundBlocked = true;
        video.muted = true;
        void video.play().catch(() => {});
      });
    }
  }

  #enableSound(): void {
    this.soundBlocked = false;
    for (const video of this.renderRoot.querySelectorAll('video')) {
      const tile = video.closest<HTMLElement>('.tile');
      if (tile?.hasAttribute('data-self')) continue;
      video.muted = false;
      void video.play().catch(() => {});
    }
  }
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter((part) => part !== '');
  return parts.slice(0, 2).map((part) => [...part][0]?.toUpperCase() ?? '').join('') || '?';
}

declare global {
  interface HTMLElementTagNameMap {
    'beckon-video-grid': BeckonVideoGrid;
  }
}
