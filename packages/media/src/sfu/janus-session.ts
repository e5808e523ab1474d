import { BeckonError } from '@beckon/core';

/** A message from Janus (the WebSocket API's JSON), as far as this client reads it. */
export interface JanusMessage {
  readonly janus: string;
  readonly transaction?: string;
  readonly sender?: number;
  readonly data?: { readonly id?: number };
  readonly error?: { readonly code?: number; readonly reason?: string };
  readonly plugindata?: { readonly plugin?: string; readonly data?: Record<string, unknown> };
  readonly jsep?: RTCSessionDescriptionInit;
  readonly candidate?: RTCIceCandidateInit & { readonly completed?: boolean };
}

/** Asynchronous news for one plugin handle (events, `webrtcup`, `hangup`, `detached`, ...). */
export type HandleListener = (message: JanusMessage) => void;

/** Janus said no: `janusCode` is its error code (428 no such feed, 433 unauthorized, ...). */
export class SfuRefusedError extends BeckonError {
  readonly janusCode: number;
  constructor(message: string, janusCode: number) {
    super('refused', message);
    this.janusCode = janusCode;
  }
}

const requestTimeoutMs = 10_000;
const keepaliveMs = 25_000;

/**
 * One Janus session over its WebSocket API: request/answer by transaction, plugin handles, keepalives.
 * Small on purpose (no janus.js): Beckon needs VideoRoom only. Anything Janus sends that is not JSON or not
 * for us is dropped: the receive path never throws.
 */
export class JanusSession {
  readonly url: string;
  #socket: WebSocket | undefined;
  #id: number | undefined;
  #next = 0;
  #closed = false;
  #keepalive: ReturnType<typeof setInterval> | undefined;
  readonly #waiting = new Map<string, { resolve: (message: JanusMessage) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  readonly #handles = new Map<number, HandleListener>();
  #opened: Promise<void> | undefined;
  /** Called once when the socket closes or the session is lost (Janus restarted, network gone). */
  onLost: (() => void) | undefined;

  constructor(url: string) {
    this.url = url;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Opens the socket and creates the session (once; later calls wait for the same). */
  open(): Promise<void> {
    this.#opened ??= this.#open();
    return this.#opened;
  }

  async #open(): Promise<void> {
    const socket = new WebSocket(this.url, 'janus-protocol');
    this.#socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new BeckonError('not-connected', `cannot reach the SFU at ${this.url}`)), { once: true });
    });
    socket.addEventListener('message', (event) => this.#receive(event.data));
    socket.addEventListener('close', () => this.#lost());
    const created = await this.#request({ janus: 'create' });
    this.#id = created.data?.id;
    this.#keepalive = setInterval(() => {
      this.#request({ janus: 'keepalive', session_id: this.#id }).catch(() => {});
    }, keepaliveMs);
  }

  /** Attaches to a plugin; `listener` gets the handle's asynchronous messages. Resolves to the handle id. */
  async attach(plugin: string, listener: HandleListener): Promise<number> {
    await this.open();
    const attached = await this.#request({ janus: 'attach', session_id: this.#id, plugin });
    const id = attached.data?.id;
    if (id === undefined) throw new BeckonError('refused', `the SFU did not attach ${plugin}`);
    this.#handles.set(id, listener);
    return id;
  }

  async detach(handle: number): Promise<void> {
    this.#handles.delete(handle);
    if (this.#closed) return;
    await this.#request({ janus: 'detach', session_id: this.#id, handle_id: handle }).catch(() => {});
  }

  /**
   * A plugin request. Synchronous plugin requests answer `success` at once; asynchronous ones an `ack`,
   * then an `event` with the same transaction: either resolves this. A plugin error rejects it.
   */
  async message(handle: number, body: Record<string, unknown>, jsep?: RTCSessionDescriptionInit): Promise<JanusMessage> {
    const answer = await this.#request({ janus: 'message', session_id: this.#id, handle_id: handle, body, ...(jsep ? { jsep } : {}) });
    const data = answer.plugindata?.data;
    if (data && typeof data['error_code'] === 'number') {
      throw new SfuRefusedError(`SFU refused ${String(body['request'])}: ${String(data['error'])}`, data['error_code']);
    }
    return answer;
  }

  trickle(handle: number, candidate: RTCIceCandidateInit | null): void {
    if (this.#closed || this.#socket?.readyState !== WebSocket.OPEN) return;
    const payload = candidate === null ? { completed: true } : candidate;
    this.#socket.send(JSON.stringify({ janus: 'trickle', session_id: this.#id, handle_id: handle, candidate: payload, transaction: `t${++this.#next}` }));
  }

  close(): void {
    if (this.#closed) return;
    if (this.#socket?.readyState === WebSocket.OPEN && this.#id !== undefined) {
      this.#socket.send(JSON.stringify({ janus: 'destroy', session_id: this.#id, transaction: `t${++this.#next}` }));
    }
    this.#lost();
    this.#socket?.close();
  }

  #lost(): void {
    const first = !this.#closed;
    this.#closed = true;
    clearInterval(this.#keepalive);
    for (const { reject, timer } of this.#waiting.values()) {
      clearTimeout(timer);
      reject(new BeckonError('closed', 'the SFU session ended'));
    }
    this.#waiting.clear();
    this.#handles.clear();
    if (first) this.onLost?.();
  }

  #request(message: Record<string, unknown>): Promise<JanusMessage> {
    const socket = this.#socket;
    if (this.#closed || !socket || socket.readyState !== WebSocket.OPEN) return Promise.reject(new BeckonError('not-connected', 'not connected to the SFU'));
    const transaction = `t${++this.#next}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(transaction);
        reject(new BeckonError('timeout', `the SFU did not answer ${String(message['janus'])}`));
      }, requestTimeoutMs);
      this.#waiting.set(transaction, {
        resolve: (answer) => {
          if (answer.janus === 'error') reject(new SfuRefusedError(`SFU: ${answer.error?.reason ?? 'error'}`, answer.error?.code ?? 0));
          else resolve(answer);
        },
        reject,
        timer,
      });
      socket.send(JSON.stringify({ ...message, transaction }));
    });
  }

  #receive(raw: unknown): void {
    let message: JanusMessage;
    try {
      message = JSON.parse(String(raw)) as JanusMessage;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.janus !== 'string' || message.janus === 'ack') return;
    const waiting = message.transaction === undefined ? undefined : this.#waiting.get(message.transaction);
    if (waiting) {
      this.#waiting.delete(message.transaction!);
      clearTimeout(waiting.timer);
      waiting.resolve(message);
      // An async answer can carry a jsep the handle also wants (publish → answer): the caller reads it from here.
      return;
    }
    if (message.janus === 'timeout') {
      this.#lost();
      return;
    }
    const listener = message.sender === undefined ? undefined : this.#handles.get(message.sender);
    try {
      listener?.(message);
    } catch {
      // A listener's bug must not end the session.
    }
  }
}
