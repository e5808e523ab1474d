import { h } from './dom.ts';

interface RemoteCursor {
  readonly element: HTMLElement;
  readonly label: HTMLElement;
  /** Latest reported position (fractions of the stage). */
  tx: number;
  ty: number;
  /** Drawn position, easing towards the target. */
  x: number;
  y: number;
  visible: boolean;
  placed: boolean;
}

export interface StageCallbacks {
  /** The local pointer moved (fractions 0–1), or left the area. Coalesced to about 30 per second. */
  onMove(x: number, y: number, inside: boolean): void;
  onHighlight(x: number, y: number): void;
}

const sendIntervalMs = 33;
/** Time constant of the cursor easing: short enough to feel live, long enough to hide 30 Hz steps. */
const easeMs = 45;
const keyStep = 0.02;

/** The shared area: draws everyone's cursor (smoothly), pulses highlights, and reports the local pointer. */
export class Stage {
  readonly #area: HTMLElement;
  readonly #callbacks: StageCallbacks;
  readonly #cursors = new Map<string, RemoteCursor>();
  #pending: { x: number; y: number; inside: boolean } | undefined;
  #sendTimer: ReturnType<typeof setTimeout> | undefined;
  #lastSentAt = 0;
  #frame = 0;
  #lastFrameAt = 0;
  /** Keyboard users steer a cursor of their own; pointer users have the real one. */
  #keyboard = { x: 0.5, y: 0.5 };
  readonly #own: RemoteCursor;
  /** Participant in control: remembered, because the state can arrive before their first cursor does. */
  #controller = '';

  constructor(area: HTMLElement, callbacks: StageCallbacks, ownName: string, ownColor: string) {
    this.#area = area;
    this.#callbacks = callbacks;
    this.#own = this.#createCursor('self', ownName, ownColor);
    this.#own.element.classList.add('own');
    area.addEventListener('pointermove', (event) => {
      this.#own.visible = false;
      this.#own.element.hidden = true;
      const { x, y } = this.#fraction(event);
      this.#queue(x, y, true);
    });
    area.addEventListener('pointerleave', () => this.#queue(this.#pending?.x ?? 0, this.#pending?.y ?? 0, false));
    area.addEventListener('click', (event) => {
      const { x, y } = this.#fraction(event);
      this.#callbacks.onHighlight(x, y);
    });
    area.addEventListener('keydown', (event) => this.#onKey(event));
    area.addEventListener('blur', () => {
      this.#own.element.hidden = true;
    });
  }

  /** Moves (or creates) a participant's cursor to a reported position. */
  setCursor(id: string, name: string, color: string, x: number, y: number, inside: boolean): void {
    let cursor = this.#cursors.get(id);
    if (!cursor) {
      cursor = this.#createCursor(id, name, color);
      cursor.element.classList.toggle('controlling', id === this.#controller);
      this.#cursors.set(id, cursor);
    }
    cursor.label.textContent = name;
    cursor.element.style.setProperty('--cursor-color', color);
    cursor.tx = clamp(x);
    cursor.ty = clamp(y);
    cursor.element.dataset['x'] = cursor.tx.toFixed(3);
    cursor.element.dataset['y'] = cursor.ty.toFixed(3);
    if (!cursor.placed) {
      cursor.x = cursor.tx;
      cursor.y = cursor.ty;
      cursor.placed = true;
    }
    cursor.visible = inside;
    cursor.element.hidden = !inside;
    this.#animate();
  }

  removeCursor(id: string): void {
    this.#cursors.get(id)?.element.remove();
    this.#cursors.delete(id);
  }

  setOwnColor(color: string): void {
    this.#own.element.style.setProperty('--cursor-color', color);
  }

  /** Marks the cursor of whoever is in control. */
  setController(id: string): void {
    this.#controller = id;
    for (const [cursorId, cursor] of this.#cursors) cursor.element.classList.toggle('controlling', cursorId === id);
  }

  get cursorCount(): number {
    return this.#cursors.size;
  }

  /** A ripple at a point, in the colour of who asked for it. */
  pulse(x: number, y: number, color: string, name: string): void {
    const ring = h('div', { class: 'pulse', 'aria-hidden': 'true' }, h('span', { class: 'pulse-label' }, name));
    ring.style.setProperty('--cursor-color', color);
    ring.style.left = `${clamp(x) * 100}%`;
    ring.style.top = `${clamp(y) * 100}%`;
    this.#area.append(ring);
    setTimeout(() => ring.remove(), 1600);
  }

  #createCursor(id: string, name: string, color: string): RemoteCursor {
    const label = h('span', { class: 'cursor-label' }, name);
    const arrow = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    arrow.setAttribute('viewBox', '0 0 16 20');
    arrow.setAttribute('class', 'cursor-arrow');
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', 'M1 1 L1 16 L5 12 L8 19 L11 18 L8 11 L14 11 Z');
    arrow.append(path);
    const element = h('div', { class: 'cursor', 'data-participant': id, 'aria-hidden': 'true' }, label);
    element.prepend(arrow);
    element.style.setProperty('--cursor-color', color);
    element.hidden = true;
    this.#area.append(element);
    return { element, label, tx: 0, ty: 0, x: 0, y: 0, visible: false, placed: false };
  }

  #fraction(event: MouseEvent): { x: number; y: number } {
    const rect = this.#area.getBoundingClientRect();
    return { x: clamp((event.clientX - rect.left) / rect.width), y: clamp((event.clientY - rect.top) / rect.height) };
  }

  #onKey(event: KeyboardEvent): void {
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const move = moves[event.key];
    const own = this.#keyboard;
    if (move) {
      event.preventDefault();
      const step = event.shiftKey ? keyStep * 4 : keyStep;
      own.x = clamp(own.x + move[0] * step);
      own.y = clamp(own.y + move[1] * step);
      this.#showOwn();
      this.#queue(own.x, own.y, true);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.#showOwn();
      this.#callbacks.onHighlight(own.x, own.y);
    }
  }

  #showOwn(): void {
    const own = this.#own;
    own.tx = this.#keyboard.x;
    own.ty = this.#keyboard.y;
    if (!own.visible) {
      own.x = own.tx;
      own.y = own.ty;
    }
    own.visible = true;
    own.element.hidden = false;
    this.#animate();
  }

  /** Sends at most one position per interval, always ending on the latest. */
  #queue(x: number, y: number, inside: boolean): void {
    this.#pending = { x, y, inside };
    if (this.#sendTimer !== undefined) return;
    const wait = Math.max(0, this.#lastSentAt + sendIntervalMs - performance.now());
    this.#sendTimer = setTimeout(() => {
      this.#sendTimer = undefined;
      const pending = this.#pending;
      if (!pending) return;
      this.#lastSentAt = performance.now();
      this.#callbacks.onMove(pending.x, pending.y, pending.inside);
    }, wait);
  }

  #animate(): void {
    if (this.#frame !== 0) return;
    this.#lastFrameAt = performance.now();
    this.#frame = requestAnimationFrame((t) => this.#step(t));
  }

  #step(t: number): void {
    const dt = Math.max(0, t - this.#lastFrameAt);
    this.#lastFrameAt = t;
    const k = 1 - Math.exp(-dt / easeMs);
    const width = this.#area.clientWidth;
    const height = this.#area.clientHeight;
    let moving = false;
    for (const cursor of [...this.#cursors.values(), this.#own]) {
      if (!cursor.visible) continue;
      cursor.x += (cursor.tx - cursor.x) * k;
      cursor.y += (cursor.ty - cursor.y) * k;
      if (Math.abs(cursor.tx - cursor.x) * width > 0.3 || Math.abs(cursor.ty - cursor.y) * height > 0.3) moving = true;
      else {
        cursor.x = cursor.tx;
        cursor.y = cursor.ty;
      }
      cursor.element.style.transform = `translate(${(cursor.x * width).toFixed(1)}px, ${(cursor.y * height).toFixed(1)}px)`;
    }
    this.#frame = moving ? requestAnimationFrame((next) => this.#step(next)) : 0;
  }
}

function clamp(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
