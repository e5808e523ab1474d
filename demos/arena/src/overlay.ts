/** One sample of the network figures, taken four times a second. */
export interface NetSample {
  /** Round-trip time, ms (undefined until measured). */
  readonly rttMs: number | undefined;
  /** Share of packets lost, 0–1. */
  readonly loss: number;
  /** Snapshots per second. */
  readonly snapshotRate: number;
  /** Bytes per second, down and up. */
  readonly downBps: number;
  readonly upBps: number;
  /**
   * Set when there is no link to measure ("disconnected", "no players yet"): shown instead of the figures, since
   * 0.0 ms and 0 snapshots/s would read as a perfect link.
   */
  readonly noLink?: string;
}

interface Graph {
  readonly canvas: HTMLCanvasElement;
  readonly value: HTMLElement;
  readonly values: number[];
  readonly second: number[];
  readonly color: string;
  readonly secondColor: string;
  readonly format: (value: number, second: number) => string;
  readonly floor: number;
}

const points = 120;

/** The network overlay: live graphs of RTT, loss, snapshot rate and bandwidth, drawn on small canvases. */
export class NetOverlay {
  readonly #graphs = new Map<string, Graph>();

  constructor(root: HTMLElement) {
    this.#add(root, 'rtt', 'RTT', '#4cc9f0', '', 5, (v) => `${v.toFixed(1)} ms`);
    this.#add(root, 'loss', 'Packet loss', '#ff6b6b', '', 5, (v) => `${v.toFixed(1)} %`);
    this.#add(root, 'rate', 'Snapshots / s', '#b8f35b', '', 25, (v) => v.toFixed(0));
    this.#add(root, 'bandwidth', 'Bandwidth', '#ffb703', '#9d4edd', 2, (down, up) => `↓ ${kb(down)} ↑ ${kb(up)} kB/s`);
  }

  push(sample: NetSample): void {
    if (sample.noLink !== undefined) {
      for (const graph of this.#graphs.values()) {
        graph.value.textContent = sample.noLink;
        graph.value.dataset['state'] = 'no-link';
      }
      return;
    }
    for (const graph of this.#graphs.values()) delete graph.value.dataset['state'];
    this.#push('rtt', sample.rttMs ?? 0, 0);
    this.#push('loss', sample.loss * 100, 0);
    this.#push('rate', sample.snapshotRate, 0);
    this.#push('bandwidth', sample.downBps / 1000, sample.upBps / 1000);
    for (const graph of this.#graphs.values()) this.#draw(graph);
  }

  #add(root: HTMLElement, key: string, label: string, color: string, secondColor: string, floor: number, format: (v: number, s: number) => string): void {
    const item = document.createElement('div');
    item.className = 'graph';
    item.dataset['metric'] = key;
    const head = document.createElement('div');
    head.className = 'graph-head';
    const name = document.createElement('span');
    name.className = 'graph-label';
    name.textContent = label;
    const value = document.createElement('span');
    value.className = 'graph-value';
    value.textContent = '–';
    head.append(name, value);
    const canvas = document.createElement('canvas');
    canvas.width = 560;
    canvas.height = 96;
    canvas.setAttribute('aria-hidden', 'true');
    item.append(head, canvas);
    root.append(item);
    this.#graphs.set(key, { canvas, value, values: [], second: [], color, secondColor, format, floor });
  }

  #push(key: string, value: number, second: number): void {
    const graph = this.#graphs.get(key)!;
    graph.values.push(value);
    graph.second.push(second);
    if (graph.values.length > points) {
      graph.values.shift();
      graph.second.shift();
    }
    graph.value.textContent = graph.format(value, second);
  }

  #draw(graph: Graph): void {
    const ctx = graph.canvas.getContext('2d');
    if (!ctx) return;
    const { width, height } = graph.canvas;
    ctx.clearRect(0, 0, width, height);
    const max = Math.max(graph.floor, ...graph.values, ...graph.second) * 1.15;
    ctx.strokeStyle = 'rgba(120, 140, 220, 0.14)';
    ctx.lineWidth = 1;
    for (let i = 1; i < 4; i++) {
      const y = Math.round((height * i) / 4) + 0.5;
      ctx.beginPath();
      ctx.moveTo(0, y);
      ctx.lineTo(width, y);
      ctx.stroke();
    }
    const line = (values: number[], color: string, fill: boolean): void => {
      if (values.length < 2) return;
      const step = width / (points - 1);
      const x0 = width - (values.length - 1) * step;
      ctx.beginPath();
      values.forEach((v, i) => {
        const x = x0 + i * step;
        const y = height - 4 - (v / max) * (height - 8);
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      ctx.strokeStyle = color;
      ctx.lineWidth = 3;
      ctx.lineJoin = 'round';
      ctx.stroke();
      if (!fill) return;
      ctx.lineTo(width, height);
      ctx.lineTo(x0, height);
      ctx.closePath();
      const gradient = ctx.createLinearGradient(0, 0, 0, height);
      gradient.addColorStop(0, `${color}55`);
      gradient.addColorStop(1, `${color}00`);
      ctx.fillStyle = gradient;
      ctx.fill();
    };
    line(graph.values, graph.color, true);
    if (graph.secondColor) line(graph.second, graph.secondColor, false);
  }
}

function kb(bytesPerSecond: number): string {
  return bytesPerSecond < 10 ? bytesPerSecond.toFixed(1) : bytesPerSecond.toFixed(0);
}
