/**
 * Adaptive drawing quality. A software renderer (no GPU: many school laptops and VMs) spends ~200 ms on a frame
 * of the full arena, and while a frame is drawn the page's timers wait, so snapshots, inputs and heartbeats run
 * late. The budget watches how long frames take and steps the quality down until they fit, and back up slowly.
 */
export interface QualityLevel {
  readonly name: string;
  /** Additive glows, trails and many sparks. */
  readonly effects: boolean;
  /** Canvas pixels per CSS pixel, at most the device's. */
  readonly resolution: number;
  /** Frames per second at most (0: the display's rate). A cap leaves the page time for the network between frames. */
  readonly maxFps: number;
}

export const qualityLevels: readonly QualityLevel[] = [
  { name: 'full', effects: true, resolution: 2, maxFps: 0 },
  { name: 'no-effects', effects: false, resolution: 1, maxFps: 0 },
  { name: 'low', effects: false, resolution: 0.75, maxFps: 0 },
  // A cap below the display's rate halves it in practice (every other frame is skipped), so the last level only
  // draws less: half the pixels of 'no-effects' in each direction.
  { name: 'lowest', effects: false, resolution: 0.5, maxFps: 0 },
];

export interface FrameBudgetOptions {
  /** A frame that takes longer than this (ms, between frames) is long. Default 28 (about 36 frames/s). */
  readonly longMs?: number;
  /** Frames are short when faster than this. Default 14. */
  readonly shortMs?: number;
  /** Level to start at (a software renderer starts lower). Default 0. */
  readonly start?: number;
  /** Pinned level: never adapt (`?quality=full` for comparisons). */
  readonly fixed?: boolean;
  readonly apply: (level: QualityLevel, index: number) => void;
}

/** Frames averaged before a decision; about half a second at the rates in question. */
const window = 12;
/** Short frames needed in a row before trying a better level again. */
const upAfter = 240;

export class FrameBudget {
  level: number;
  readonly #options: FrameBudgetOptions;
  #recent: number[] = [];
  #short = 0;
  /** Levels that proved too slow once: stepping back up to them waits twice as long each time. */
  readonly #failures = new Map<number, number>();

  constructor(options: FrameBudgetOptions) {
    this.#options = options;
    this.level = Math.min(qualityLevels.length - 1, Math.max(0, options.start ?? 0));
    options.apply(qualityLevels[this.level]!, this.level);
  }

  get quality(): QualityLevel {
    return qualityLevels[this.level]!;
  }

  /** Call once per frame with the time since the previous one. */
  frame(deltaMs: number): void {
    if (this.#options.fixed === true) return;
    // A hidden tab or a one-off stall (a GC, a long task elsewhere) says nothing about the cost of drawing.
    if (deltaMs > 1000) return;
    this.#recent.push(deltaMs);
    if (this.#recent.length > window) this.#recent.shift();
    if (this.#recent.length < window) return;
    const sorted = [...this.#recent].sort((a, b) => a - b);
    const typical = sorted[Math.floor(window / 2)]!;
    const cap = this.quality.maxFps > 0 ? 1000 / this.quality.maxFps : 0;
    if (typical > Math.max(this.#options.longMs ?? 28, cap * 1.15) && this.level < qualityLevels.length - 1) {
      this.#failures.set(this.level, (this.#failures.get(this.level) ?? 0) + 1);
      this.#set(this.level + 1);
    } else if (typical < Math.max(this.#options.shortMs ?? 14, cap * 1.05) && this.level > 0) {
      this.#short++;
      const failures = this.#failures.get(this.level - 1) ?? 0;
      if (this.#short >= upAfter * 2 ** failures) this.#set(this.level - 1);
    } else {
      this.#short = 0;
    }
  }

  #set(level: number): void {
    this.level = level;
    this.#recent = [];
    this.#short = 0;
    this.#options.apply(this.quality, level);
  }
}

/** Whether WebGL here runs on the CPU (SwiftShader, llvmpipe): then the arena starts without the costly effects. */
export function softwareRendering(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl');
    if (!gl) return true;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|software|softpipe/i.test(renderer);
  } catch {
    return false;
  }
}
