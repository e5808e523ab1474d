import type { Controls } from '@beckon/game';
import type { TouchStick } from './stick.ts';

const keys: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  KeyA: [-1, 0],
  ArrowRight: [1, 0],
  KeyD: [1, 0],
  ArrowUp: [0, -1],
  KeyW: [0, -1],
  ArrowDown: [0, 1],
  KeyS: [0, 1],
};

/** Keyboard (WASD, arrows), a touch stick, and pointer (press and hold: steer towards it) into the game's controls. */
export class ControlInput {
  readonly #held = new Set<string>();
  #stick: TouchStick | undefined;
  #pointer: { x: number; y: number } | undefined;
  #avatar: () => { x: number; y: number } | undefined = () => undefined;
  /** Called when a key changes the controls, so they apply even between rendered frames. */
  onChange: () => void = () => {};

  constructor(surface: HTMLElement, toWorld: (clientX: number, clientY: number) => { x: number; y: number }) {
    window.addEventListener('keydown', (event) => {
      if (!(event.code in keys) || isTyping(event.target)) return;
      this.#held.add(event.code);
      event.preventDefault();
      this.onChange();
    });
    window.addEventListener('keyup', (event) => {
      if (this.#held.delete(event.code)) this.onChange();
    });
    window.addEventListener('blur', () => this.#held.clear());
    // A long press on a phone would otherwise open the context menu and end the steering.
    surface.addEventListener('contextmenu', (event) => event.preventDefault());
    surface.addEventListener('pointerdown', (event) => {
      surface.setPointerCapture(event.pointerId);
      this.#pointer = toWorld(event.clientX, event.clientY);
    });
    surface.addEventListener('pointermove', (event) => {
      if (this.#pointer) this.#pointer = toWorld(event.clientX, event.clientY);
    });
    const release = (): void => {
      this.#pointer = undefined;
    };
    surface.addEventListener('pointerup', release);
    surface.addEventListener('pointercancel', release);
  }

  /** Steers with this stick too; keys win when both are used. */
  useStick(stick: TouchStick): void {
    this.#stick = stick;
    stick.onChange = () => this.onChange();
  }

  /** Where the player's avatar is drawn, for pointer steering. */
  follow(avatar: () => { x: number; y: number } | undefined): void {
    this.#avatar = avatar;
  }

  read(): Controls {
    let moveX = 0;
    let moveY = 0;
    for (const code of this.#held) {
      const [x, y] = keys[code]!;
      moveX += x;
      moveY += y;
    }
    const stick = this.#stick?.vector;
    if (stick && moveX === 0 && moveY === 0) {
      moveX = stick.x;
      moveY = stick.y;
    }
    const avatar = this.#avatar();
    if (this.#pointer && avatar && moveX === 0 && moveY === 0) {
      const dx = this.#pointer.x - avatar.x;
      const dy = this.#pointer.y - avatar.y;
      const distance = Math.hypot(dx, dy);
      // Full speed when far, easing in over the last 60 units so the avatar settles under the pointer.
      const speed = Math.min(1, distance / 60);
      if (distance > 2) {
        moveX = (dx / distance) * speed;
        moveY = (dy / distance) * speed;
      }
    }
    return { moveX: Math.max(-1, Math.min(1, moveX)), moveY: Math.max(-1, Math.min(1, moveY)) };
  }
}

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
}
