import { JanusSession } from './janus-session.ts';
import { SfuPublisher, SfuSubscriber } from './videoroom.ts';

/** A participant's pass into the host's SFU room (the `SfuGrant` message, or the host's own). */
export interface SfuPass {
  readonly url: string;
  readonly room: number;
  readonly pin: string;
  /** '' while this participant may not publish. */
  readonly token: string;
  readonly feed: number;
}

export interface SfuLinkOptions {
  readonly display: string;
  readonly rtc: RTCConfiguration | undefined;
  /** A received publisher's stream arrived, or went (undefined). */
  readonly onRemote: (participantId: string, subscriber: SfuSubscriber | undefined) => void;
  /** The publication ended on the server's side (kicked, say). */
  readonly onPublishEnded: (reason: string) => void;
}

/** What the roster wants of this participant's SFU media right now. */
export interface SfuWanted {
  /** Publish this stream (when the pass has a token). */
  readonly publish: MediaStream | undefined;
  /** Receive these publishers: participant id → feed id. */
  readonly feeds: ReadonlyMap<string, number>;
}

const retryMs = 1000;
/** A feed not published yet is usually seconds from it (the publisher is connecting): look again soon. */
const feedRetryMs = 150;
/** How long a subscription may sit below the layer it asked for before it is made again; and how often to look. */
const climbMs = 3000;
/** Fresh subscriptions per participant without reaching the layer, before giving up (its layer may just not be sent). */
const maxClimbs = 3;
/** A tile at least this wide (CSS px × devicePixelRatio) gets the full layer; smaller ones the half-size one. */
export const fullLayerMinWidth = 400;

/**
 * This participant's side of the SFU topology: one Janus session, a publisher while allowed, a subscriber per
 * publisher the roster names. `sync` is idempotent: call it whenever the roster, the pass or the stream changes.
 */
export class SfuLink {
  readonly #options: SfuLinkOptions;
  #pass: SfuPass | undefined;
  #session: JanusSession | undefined;
  #wanted: SfuWanted = { publish: undefined, feeds: new Map() };
  #publisher: SfuPublisher | undefined;
  #publishing: { feed: number; stream: MediaStream } | undefined;
  readonly #subscribers = new Map<string, SfuSubscriber>();
  readonly #subscribing = new Map<string, number>();
  readonly #tileWidths = new Map<string, number>();
  #retry: ReturnType<typeof setTimeout> | undefined;
  #climbTimer: ReturnType<typeof setInterval> | undefined;
  readonly #climbs = new Map<string, number>();
  #closed = false;

  constructor(options: SfuLinkOptions) {
    this.#options = options;
  }

  get pass(): SfuPass | undefined {
    return this.#pass;
  }

  get publisher(): SfuPublisher | undefined {
    return this.#publisher;
  }

  subscriber(participantId: string): SfuSubscriber | undefined {
    return this.#subscribers.get(participantId);
  }

  setPass(pass: SfuPass | undefined): void {
    const previous = this.#pass;
    this.#pass = pass;
    if (previous && (!pass || pass.url !== previous.url || pass.room !== previous.room)) this.#reset();
    else if (previous && pass && (pass.token !== previous.token || pass.feed !== previous.feed)) this.#stopPublishing();
    this.#sync();
  }

  sync(wanted: SfuWanted): void {
    this.#wanted = wanted;
    this.#sync();
  }

  /** The receiver's tile for `participantId` is this wide (device pixels): pick the layer that fits. */
  setTileWidth(participantId: string, width: number): void {
    if (this.#layerFor(participantId) !== (width >= fullLayerMinWidth ? 1 : 0)) this.#climbs.delete(participantId);
    this.#tileWidths.set(participantId, width);
    const subscriber = this.#subscribers.get(participantId);
    if (!subscriber) return;
    const layer = this.#layerFor(participantId);
    if (layer > subscriber.substream && subscriber.substream >= 0 && this.#pass && this.#session && !this.#session.closed) {
      // Janus 1.1 climbs to a higher layer only on a keyframe of it, which a configure does not ask the publisher
      // for (measured: a receiver sent back down stays there). A fresh subscription starts at the top: make it,
      // then swap it in, so the tile keeps playing meanwhile.
      if (this.#subscribing.get(participantId) !== subscriber.feed) this.#subscribe(this.#session, this.#pass, participantId, subscriber.feed);
      return;
    }
    void subscriber.setSubstream(layer);
  }

  /**
   * The same holds when the top layer started late (the publisher's encoder holds it back until its bandwidth
   * estimate allows): a subscription left below the layer it asked for is made again, a few times at most.
   */
  #checkClimbs(): void {
    const session = this.#session;
    const pass = this.#pass;
    if (!session || session.closed || !pass) return;
    for (const [id, subscriber] of this.#subscribers) {
      const wanted = this.#layerFor(id);
      if (subscriber.current >= wanted || Date.now() - subscriber.startedAt < climbMs || this.#subscribing.has(id)) continue;
      const climbs = this.#climbs.get(id) ?? 0;
      if (climbs >= maxClimbs) continue;
      this.#climbs.set(id, climbs + 1);
      this.#subscribe(session, pass, id, subscriber.feed);
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#climbTimer);
    this.#reset();
  }

  #layerFor(participantId: string): number {
    const width = this.#tileWidths.get(participantId);
    return width === undefined || width >= fullLayerMinWidth ? 1 : 0;
  }

  #reset(): void {
    clearTimeout(this.#retry);
    this.#stopPublishing();
    for (const id of [...this.#subscribers.keys()]) this.#unsubscribe(id);
    this.#subscribing.clear();
    this.#session?.close();
    this.#session = undefined;
  }

  #stopPublishing(): void {
    this.#publisher?.close();
    this.#publisher = undefined;
    this.#publishing = undefined;
  }

  #unsubscribe(id: string): void {
    const subscriber = this.#subscribers.get(id);
    if (!subscriber) return;
    this.#subscribers.delete(id);
    subscriber.close();
    this.#options.onRemote(id, undefined);
  }

  #session_(): JanusSession | undefined {
    const pass = this.#pass;
    if (!pass || this.#closed) return undefined;
    if (this.#session?.closed) {
      // Janus restarted or the socket dropped: start over on a new session.
      this.#session = undefined;
      this.#stopPublishing();
      for (const id of [...this.#subscribers.keys()]) this.#unsubscribe(id);
      this.#subscribing.clear();
    }
    if (!this.#session) {
      const session = new JanusSession(pass.url);
      session.onLost = () => this.#later();
      this.#session = session;
    }
    return this.#session;
  }

  #later(delay = retryMs): void {
    if (this.#closed) return;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.#sync(), delay);
  }

  #sync(): void {
    if (this.#closed) return;
    const pass = this.#pass;
    const wanted = this.#wanted;
    // Publishing: only with a token, and with the feed id and stream asked for.
    const publish = pass && pass.token !== '' && pass.feed !== 0 ? wanted.publish : undefined;
    if (this.#publishing && (!publish || this.#publishing.stream !== publish || this.#publishing.feed !== pass?.feed)) this.#stopPublishing();
    for (const id of [...this.#subscribers.keys()]) {
      if (wanted.feeds.get(id) !== this.#subscribers.get(id)?.feed) this.#unsubscribe(id);
    }
    const session = this.#session_();
    if (!pass || !session) return;
    if (publish && !this.#publishing) this.#publish(session, pass, publish);
    for (const [id, feed] of wanted.feeds) {
      if (this.#subscribers.has(id) || this.#subscribing.get(id) === feed) continue;
      this.#subscribe(session, pass, id, feed);
    }
  }

  #publish(session: JanusSession, pass: SfuPass, stream: MediaStream): void {
    const publishing = { feed: pass.feed, stream };
    this.#publishing = publishing;
    SfuPublisher.start(session, {
      room: pass.room,
      pin: pass.pin,
      token: pass.token,
      feed: pass.feed,
      display: this.#options.display,
      stream,
      rtc: this.#options.rtc,
      onEnded: (reason) => {
        if (this.#publishing !== publishing) return;
        this.#publisher = undefined;
        this.#publishing = undefined;
        this.#options.onPublishEnded(reason);
        this.#later();
      },
    }).then(
      (publisher) => {
        if (this.#publishing === publishing) this.#publisher = publisher;
        else publisher.close();
      },
      () => {
        if (this.#publishing !== publishing) return;
        this.#publishing = undefined;
        this.#later();
      },
    );
  }

  #subscribe(session: JanusSession, pass: SfuPass, id: string, feed: number): void {
    this.#subscribing.set(id, feed);
    let subscriber: SfuSubscriber | undefined;
    SfuSubscriber.start(session, {
      room: pass.room,
      pin: pass.pin,
      feed,
      rtc: this.#options.rtc,
      onStream: () => {
        if (subscriber && this.#subscribers.get(id) === subscriber) this.#options.onRemote(id, subscriber);
      },
      onEnded: () => {
        if (!subscriber || this.#subscribers.get(id) !== subscriber) return;
        this.#subscribers.delete(id);
        this.#options.onRemote(id, undefined);
        this.#later();
      },
    }).then(
      (started) => {
        subscriber = started;
        const current = this.#subscribing.get(id) === feed && this.#wanted.feeds.get(id) === feed && !this.#closed;
        this.#subscribing.delete(id);
        if (!current) {
          started.close();
          return;
        }
        this.#climbTimer ??= setInterval(() => this.#checkClimbs(), climbMs);
        const replaced = this.#subscribers.get(id);
        this.#subscribers.set(id, started);
        replaced?.close();
        void started.setSubstream(this.#layerFor(id));
        if (started.stream.getTracks().length > 0) this.#options.onRemote(id, started);
      },
      () => {
        if (this.#subscribing.get(id) === feed) this.#subscribing.delete(id);
        // Mostly 428, not published yet (the publisher is still connecting); try again soon.
        this.#later(feedRetryMs);
      },
    );
  }
}
