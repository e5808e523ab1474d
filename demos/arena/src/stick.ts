/** Closer to the centre than this (as a fraction of the radius) counts as no input, so a resting thumb stays still. */
const deadZone = 0.15;

/**
 * An on-screen thumb stick for touch screens. Pointer events with capture: the finger keeps the stick while it
 * is down, even when it slides off the pad, and the browser does not take the drag for a scroll (touch-action is
 * none in the CSS). Gives a direction and strength of at most 1, like a gamepad's stick.
 */
export class TouchStick {
  readonly #pad: HTMLElement;
  readonly #knob: HTMLElement;
  #pointer: number | undefined;
  #vector = { x: 0, y: 0 };
  /** Called when the vector changes, so the game gets it between frames. */
  onChange: () => void = () => {};

  constructor(pad: HTMLElement, knob: HTMLElement) {
    this.#pad = pad;
    this.#knob = knob;
    pad.addEventListener('pointerdown', (event) => {
      if (this.#pointer !== undefined) return;
      this.#pointer = event.pointerId;
      pad.setPointerCapture(event.pointerId);
      pad.dataset['active'] = '';
      this.#move(event.clientX, event.clientY);
      event.preventDefault();
    });
    pad.addEventListener('pointermove', (event) => {
      if (event.pointerId === this.#pointer) this.#move(event.clientX, event.clientY);
    });
    const release = (event: PointerEvent): void => {
      if (event.pointerId !== this.#pointer) return;
      this.#pointer = undefined;
      delete pad.dataset['active'];
      this.#set(0, 0);
    };
    pad.addEventListener('pointerup', release);
    pad.addEventListener('pointercancel', release);
    pad.addEventListener('lostpointercapture', release);
    // A long press would otherwise open the context menu or start a text selection.
    pad.addEventListener('contextmenu', (event) => event.preventDefault());
  }

  get vector(): { readonly x: number; readonly y: number } {
    return this.#vector;
  }

  #move(clientX: number, clientY: number): void {
    const box = this.#pad.getBoundingClientRect();
    const radius = box.width / 2;
    let x = (clientX - box.left - radius) / radius;
    let y = (clientY - box.top - box.height / 2) / radius;
    const length = Math.hypot(x, y);
    if (length > 1) {
      x /= length;
      y /= length;
    }
    this.#knob.style.transform = `translate(${x * radius * 0.6}px, ${y * radius * 0.6}px)`;
    if (length < deadZone) this.#set(0, 0);
    else this.#set(x, y);
  }

  #set(x: number, y: number): void {
    if (x === 0 && y === 0) this.#knob.style.transform = '';
    if (x === this.#vector.x && y === this.#vector.y) return;
    this.#vector = { x, y };
    this.onChange();
  }
}
