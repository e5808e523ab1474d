import type { RoomMedia } from '@beckon/media';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChangeKind, Classroom } from '../../session/classroom.ts';

/** What a widget needs from the `<beckon-room>` it belongs to. */
export interface RoomProvider extends HTMLElement {
  readonly classroom: Classroom | undefined;
  /** The room's live video, when the room has `video` on. */
  readonly media?: RoomMedia | undefined;
}

/** What a widget re-renders on: parts of the classroom, or `media` (the video roster, stage, mute state). */
export type WatchedKind = ChangeKind | 'media';

/**
 * Finds the widget's `<beckon-room>` (the one named by its `room` attribute, else the nearest one around it,
 * across shadow roots), follows it as it connects and reconnects, and re-renders the widget when the parts of the
 * classroom it shows change.
 */
export class ClassroomController implements ReactiveController {
  classroom: Classroom | undefined;
  media: RoomMedia | undefined;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #kinds: ReadonlySet<WatchedKind>;
  #room: HTMLElement | undefined;
  #off: (() => void) | undefined;
  #offMedia: (() => void) | undefined;
  readonly #onReady = (): void => this.#attach();

  constructor(host: ReactiveControllerHost & HTMLElement, kinds: readonly WatchedKind[]) {
    this.#host = host;
    this.#kinds = new Set<WatchedKind>(['state', ...kinds]);
    host.addController(this);
  }

  hostConnected(): void {
    this.#room = findRoom(this.#host);
    this.#room?.addEventListener('beckon-ready', this.#onReady);
    this.#attach();
  }

  hostDisconnected(): void {
    this.#room?.removeEventListener('beckon-ready', this.#onReady);
    this.#off?.();
    this.#off = undefined;
    this.#offMedia?.();
    this.#offMedia = undefined;
    this.#room = undefined;
  }

  #attach(): void {
    const provider = this.#room as RoomProvider | undefined;
    const classroom = provider?.classroom;
    const media = provider?.media;
    if (classroom === this.classroom && media === this.media && this.#off) return;
    this.#off?.();
    this.#offMedia?.();
    this.classroom = classroom;
    this.media = media;
    this.#off = classroom?.events.on('change', (kind) => {
      if (this.#kinds.has(kind)) this.#host.requestUpdate();
    });
    this.#offMedia = this.#kinds.has('media') ? media?.events.on('change', () => this.#host.requestUpdate()) : undefined;
    this.#host.requestUpdate();
  }
}

function findRoom(element: HTMLElement): HTMLElement | undefined {
  const id = element.getAttribute('room');
  if (id) {
    const root = element.getRootNode() as Document | ShadowRoot;
    return (root.getElementById?.(id) ?? document.getElementById(id)) ?? undefined;
  }
  let node: Element | null = element;
  while (node) {
    const room: Element | null = node.closest('beckon-room');
    if (room) return room as HTMLElement;
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return undefined;
}
