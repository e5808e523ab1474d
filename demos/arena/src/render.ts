import { Application, Container, Graphics, Text, UPDATE_PRIORITY } from 'pixi.js';
import type { EntityState } from '@beckon/game';
import { FrameBudget, qualityLevels, softwareRendering } from './frame-budget.ts';
import type { QualityLevel } from './frame-budget.ts';
import { arena, avatarRadius, colorOf, gemRadius, Kind, starRadius } from './rules.ts';

export interface AvatarLabel {
  readonly name: string;
  readonly color: number;
  readonly self: boolean;
}

interface Sprite {
  readonly kind: number;
  readonly root: Container;
  /** Turns with the entity's heading. */
  readonly spin: Container;
  color: number;
  label?: Text;
  ring?: Graphics;
  trail?: Graphics[];
  history?: { x: number; y: number }[];
}

interface Spark {
  readonly g: Graphics;
  vx: number;
  vy: number;
  life: number;
}

const gemColors = [0x4cc9f0, 0xb388ff, 0x5efc8d] as const;
const trailLength = 12;

/**
 * Draws the arena with Pixi: a glowing grid, gems, the star, avatars with trails and names, and sparks on
 * pickups. Each entity's shapes are built once and then only moved, so a frame costs little even on a
 * software renderer. Knows nothing about the network: it draws whatever entity states it is given.
 */
export class ArenaRenderer {
  readonly app = new Application();
  readonly #world = new Container();
  readonly #trails = new Container();
  readonly #entities = new Container();
  readonly #effects = new Container();
  readonly #sprites = new Map<number, Sprite>();
  readonly #sparks: Spark[] = [];
  #time = 0;
  /** Names stay readable (at least ~11 px) when the arena is drawn small, as on a phone. */
  #labelScale = 1;
  readonly #glows = new Set<Graphics>();
  #effectsOn = true;
  budget: FrameBudget | undefined;
  #quality: QualityLevel | undefined;
  /** Whether WebGL runs on the CPU here. */
  software = false;
  /** Smoothed time the page spends per frame in its ticker (simulation view, scene update, Pixi's render), ms. */
  drawMs = 0;

  /** `quality`: a level name to pin (no adapting), or 'auto'. */
  async init(parent: HTMLElement, quality = 'auto'): Promise<void> {
    this.software = softwareRendering();
    const pinned = qualityLevels.findIndex((level) => level.name === quality);
    // Antialiasing is fixed when the context is made: a CPU renderer does without it from the start.
    await this.app.init({ resizeTo: parent, backgroundAlpha: 0, antialias: pinned === 0 || (pinned < 0 && !this.software), autoDensity: true, resolution: 1 });
    this.budget = new FrameBudget({
      start: pinned >= 0 ? pinned : this.software ? 1 : 0,
      fixed: pinned >= 0,
      apply: (level) => this.#applyQuality(level),
    });
    this.app.ticker.add((ticker) => this.budget?.frame(ticker.deltaMS));
    // The page's own share of a frame (game code, Pixi, WebGL calls), apart from compositing: for the benchmark.
    let started = 0;
    this.app.ticker.add(() => (started = performance.now()), undefined, UPDATE_PRIORITY.INTERACTION);
    this.app.ticker.add(() => (this.drawMs = this.drawMs * 0.9 + (performance.now() - started) * 0.1), undefined, UPDATE_PRIORITY.UTILITY);
    parent.appendChild(this.app.canvas);
    const background = new Graphics();
    drawBackground(background);
    this.#effects.blendMode = 'add';
    this.#trails.visible = this.#effectsOn;
    this.#world.addChild(background, this.#trails, this.#entities, this.#effects);
    this.app.stage.addChild(this.#world);
    this.#fit();
    this.app.renderer.on('resize', () => this.#fit());
    // Pixi's resizeTo follows only the window; the page's layout also changes (the video strip appears).
    new ResizeObserver(() => {
      if (parent.clientWidth !== this.app.screen.width || parent.clientHeight !== this.app.screen.height) this.app.queueResize();
    }).observe(parent);
  }

  /** World coordinates of a point on the canvas (for pointer steering). */
  toWorld(clientX: number, clientY: number): { x: number; y: number } {
    const rect = this.app.canvas.getBoundingClientRect();
    const scale = this.#world.scale.x;
    return { x: (clientX - rect.left - this.#world.x) / scale, y: (clientY - rect.top - this.#world.y) / scale };
  }

  #applyQuality(level: QualityLevel): void {
    this.#effectsOn = level.effects;
    for (const glow of this.#glows) glow.visible = level.effects;
    this.#trails.visible = level.effects;
    this.app.ticker.maxFPS = level.maxFps;
    // The page's own blur and shadows are redrawn with every frame of the canvas under a software compositor: CSS drops them too.
    document.documentElement.dataset['quality'] = level.name;
    this.#quality = level;
    this.#applyResolution();
  }

  /**
   * A level's resolution is for a desktop-sized arena: a small canvas (a phone's) costs few pixels however sharp, so
   * it keeps at least ~a million pixels' worth of sharpness, up to the device's own.
   */
  #applyResolution(): void {
    const level = this.#quality;
    if (!level) return;
    const area = Math.max(1, this.app.screen.width * this.app.screen.height);
    const resolution = Math.min(window.devicePixelRatio || 1, level.resolution * Math.max(1, Math.sqrt(1_000_000 / area)));
    const rounded = Math.round(resolution * 20) / 20;
    if (this.app.renderer.resolution !== rounded) {
      this.app.renderer.resolution = rounded;
      this.app.queueResize();
    }
  }

  /** A burst of sparks where something was collected. */
  burst(x: number, y: number, color: number, count = this.#effectsOn ? 16 : 5): void {
    for (let i = 0; i < count; i++) {
      const a = Math.random() * Math.PI * 2;
      const speed = 80 + Math.random() * 220;
      const g = new Graphics().circle(0, 0, 4).fill({ color });
      g.position.set(x, y);
      this.#effects.addChild(g);
      this.#sparks.push({ g, vx: Math.cos(a) * speed, vy: Math.sin(a) * speed, life: 0.5 + Math.random() * 0.4 });
    }
  }

  draw(entities: ReadonlyMap<number, EntityState>, labels: ReadonlyMap<number, AvatarLabel>, dt: number): void {
    this.#time += dt;
    const t = this.#time;
    for (const [id, sprite] of this.#sprites) {
      const e = entities.get(id);
      if (e && e['kind'] === sprite.kind) continue;
      sprite.root.destroy({ children: true });
      for (const g of sprite.trail ?? []) g.destroy();
      this.#sprites.delete(id);
    }
    for (const [id, e] of entities) {
      const kind = e['kind'] ?? 0;
      const label = kind === Kind.avatar ? labels.get(id) : undefined;
      const color = kind === Kind.gem ? gemColors[(e['color'] ?? 0) % gemColors.length]! : kind === Kind.star ? 0xffd60a : (label?.color ?? colorOf(e['color'] ?? 0));
      let sprite = this.#sprites.get(id);
      if (!sprite || sprite.color !== color) {
        if (sprite) {
          sprite.root.destroy({ children: true });
          for (const g of sprite.trail ?? []) g.destroy();
        }
        sprite = this.#create(kind, color);
        this.#sprites.set(id, sprite);
      }
      const x = e['x'] ?? 0;
      const y = e['y'] ?? 0;
      if (kind === Kind.gem) {
        sprite.root.position.set(x, y + Math.sin(t * 3 + id) * 3);
        sprite.spin.rotation = (e['heading'] ?? 0) + t * 1.2;
      } else if (kind === Kind.star) {
        sprite.root.position.set(x, y);
        sprite.root.scale.set(1 + Math.sin(t * 6) * 0.08);
        sprite.spin.rotation = e['heading'] ?? 0;
      } else {
        sprite.root.position.set(x, y);
        sprite.spin.rotation = e['heading'] ?? 0;
        this.#avatarExtras(sprite, x, y, label, t);
      }
    }
    this.#moveSparks(dt);
  }

  #create(kind: number, color: number): Sprite {
    const root = new Container();
    const spin = new Container();
    const glow = new Graphics();
    glow.blendMode = 'add';
    glow.visible = this.#effectsOn;
    this.#glows.add(glow);
    glow.on('destroyed', () => this.#glows.delete(glow));
    const body = new Graphics();
    if (kind === Kind.gem) {
      glow.circle(0, 0, gemRadius * 2.2).fill({ color, alpha: 0.12 }).circle(0, 0, gemRadius * 1.3).fill({ color, alpha: 0.18 });
      const r = gemRadius;
      body.poly([r, 0, 0, r * 0.62, -r, 0, 0, -r * 0.62]).fill({ color }).stroke({ width: 2, color: 0xffffff, alpha: 0.6 });
      body.poly([r * 0.35, 0, 0, r * 0.25, -r * 0.35, 0, 0, -r * 0.25]).fill({ color: 0xffffff, alpha: 0.45 });
    } else if (kind === Kind.star) {
      glow.circle(0, 0, starRadius * 3.2).fill({ color: 0xffc300, alpha: 0.09 }).circle(0, 0, starRadius * 1.8).fill({ color: 0xffd60a, alpha: 0.22 });
      body.star(0, 0, 5, starRadius, starRadius * 0.48).fill({ color: 0xffd60a }).stroke({ width: 3, color: 0xfff3b0 });
    } else {
      glow.circle(0, 0, avatarRadius * 2.1).fill({ color, alpha: 0.16 });
      body.circle(0, 0, avatarRadius).fill({ color }).stroke({ width: 3, color: 0x0b1020, alpha: 0.6 });
      body.circle(-avatarRadius * 0.3, -avatarRadius * 0.35, avatarRadius * 0.32).fill({ color: 0xffffff, alpha: 0.35 });
      const nose = avatarRadius + 9;
      body.poly([nose, 0, Math.cos(0.5) * (avatarRadius - 2), Math.sin(0.5) * (avatarRadius - 2), Math.cos(0.5) * (avatarRadius - 2), -Math.sin(0.5) * (avatarRadius - 2)]).fill({ color: 0xffffff, alpha: 0.9 });
    }
    root.addChild(glow);
    spin.addChild(body);
    root.addChild(spin);
    this.#entities.addChild(root);
    const sprite: Sprite = { kind, root, spin, color };
    if (kind === Kind.avatar) {
      const ring = new Graphics().circle(0, 0, avatarRadius + 7).stroke({ width: 3, color: 0xffffff });
      ring.visible = false;
      root.addChildAt(ring, 1);
      const label = new Text({ text: '', style: { fill: 0xffffff, fontSize: 17, fontFamily: 'Inter, system-ui, sans-serif', fontWeight: '600' } });
      label.anchor.set(0.5, 1);
      label.position.set(0, -avatarRadius - 10);
      root.addChild(label);
      sprite.ring = ring;
      sprite.label = label;
      sprite.history = [];
      sprite.trail = Array.from({ length: trailLength }, (_, i) => {
        const k = (i + 1) / trailLength;
        const g = new Graphics().circle(0, 0, avatarRadius * (0.25 + 0.55 * k)).fill({ color, alpha: 0.05 + 0.18 * k });
        g.visible = false;
        this.#trails.addChild(g);
        return g;
      });
    }
    return sprite;
  }

  #avatarExtras(sprite: Sprite, x: number, y: number, label: AvatarLabel | undefined, t: number): void {
    const name = label ? (label.self ? `${label.name} (you)` : label.name) : '';
    if (sprite.label && sprite.label.text !== name) sprite.label.text = name;
    sprite.label?.scale.set(this.#labelScale);
    if (sprite.ring) {
      sprite.ring.visible = label?.self === true;
      sprite.ring.alpha = 0.75 + 0.25 * Math.sin(t * 4);
    }
    const history = sprite.history!;
    history.push({ x, y });
    if (history.length > trailLength) history.shift();
    sprite.trail!.forEach((g, i) => {
      const p = history[i - (trailLength - history.length)];
      g.visible = p !== undefined && i < trailLength - 1;
      if (p) g.position.set(p.x, p.y);
    });
  }

  #moveSparks(dt: number): void {
    for (let i = this.#sparks.length - 1; i >= 0; i--) {
      const s = this.#sparks[i]!;
      s.life -= dt;
      if (s.life <= 0) {
        s.g.destroy();
        this.#sparks.splice(i, 1);
        continue;
      }
      s.g.x += s.vx * dt;
      s.g.y += s.vy * dt;
      s.vx *= 0.94;
      s.vy *= 0.94;
      s.g.alpha = Math.min(1, s.life * 1.6);
      s.g.scale.set(0.5 + s.life);
    }
  }

  #fit(): void {
    this.#applyResolution();
    const { width, height } = this.app.screen;
    const margin = 16;
    const scale = Math.min((width - margin * 2) / arena.width, (height - margin * 2) / arena.height);
    this.#world.scale.set(scale);
    this.#labelScale = Math.max(1, 11 / (17 * scale));
    this.#world.position.set((width - arena.width * scale) / 2, (height - arena.height * scale) / 2);
  }
}

function drawBackground(g: Graphics): void {
  g.roundRect(-6, -6, arena.width + 12, arena.height + 12, 28).fill({ color: 0x1b2550, alpha: 0.9 });
  g.roundRect(0, 0, arena.width, arena.height, 24).fill({ color: 0x0c1330 });
  for (let x = 50; x < arena.width; x += 50) g.moveTo(x, 6).lineTo(x, arena.height - 6);
  for (let y = 50; y < arena.height; y += 50) g.moveTo(6, y).lineTo(arena.width - 6, y);
  g.stroke({ width: 1, color: 0x3a4a8c, alpha: 0.28 });
  for (let x = 200; x < arena.width; x += 200) for (let y = 150; y < arena.height; y += 150) g.circle(x, y, 2.5).fill({ color: 0x6d7fd6, alpha: 0.5 });
  g.roundRect(0, 0, arena.width, arena.height, 24).stroke({ width: 4, color: 0x5468ff, alpha: 0.65 });
}
