import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RoomMedia } from '../../room-media/room-media.ts';

/** Re-renders an element whenever the room media it shows changes; follows the element's `media` property. */
export class MediaController implements ReactiveController {
  readonly #host: ReactiveControllerHost & { media: RoomMedia | undefined };
  #attached: RoomMedia | undefined;
  #off: (() => void) | undefined;

  constructor(host: ReactiveControllerHost & { media: RoomMedia | undefined }) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#attach();
  }

  hostUpdate(): void {
    if (this.#host.media !== this.#attached) this.#attach();
  }

  hostDisconnected(): void {
    this.#off?.();
    this.#off = undefined;
    this.#attached = undefined;
  }

  #attach(): void {
    this.#off?.();
    this.#attached = this.#host.media;
    this.#off = this.#attached?.events.on('change', () => this.#host.requestUpdate());
  }
}
