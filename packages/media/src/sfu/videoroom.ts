import type { JanusMessage, JanusSession } from './janus-session.ts';

const plugin = 'janus.plugin.videoroom';

/** Simulcast layers a publisher sends, lowest first in Janus's numbering (substream 0 = smallest). */
export const simulcastLayers: readonly RTCRtpEncodingParameters[] = [
  // Chromium lists rids highest first (as janus.js does); Janus numbers substreams from the lowest.
  { rid: 'h', active: true, maxBitrate: 800_000 },
  { rid: 'l', active: true, maxBitrate: 160_000, scaleResolutionDownBy: 2 },
];

export interface PublishOptions {
  readonly room: number;
  readonly pin: string;
  readonly token: string;
  readonly feed: number;
  readonly display: string;
  readonly stream: MediaStream;
  readonly rtc: RTCConfiguration | undefined;
  /** Called once when Janus ends the publication (kicked, unpublished, hung up, the session lost). */
  readonly onEnded: (reason: string) => void;
}

/** One participant's upload to the SFU: one handle, one RTCPeerConnection, simulcast video. */
export class SfuPublisher {
  readonly feed: number;
  readonly pc: RTCPeerConnection;
  readonly #session: JanusSession;
  #handle = 0;
  #ended = false;
  readonly #onEnded: (reason: string) => void;

  private constructor(session: JanusSession, options: PublishOptions) {
    this.#session = session;
    this.feed = options.feed;
    this.#onEnded = options.onEnded;
    this.pc = new RTCPeerConnection(options.rtc);
  }

  static async start(session: JanusSession, options: PublishOptions): Promise<SfuPublisher> {
    const publisher = new SfuPublisher(session, options);
    try {
      await publisher.#start(options);
    } catch (error: unknown) {
      publisher.close();
      throw error;
    }
    return publisher;
  }

  async #start(options: PublishOptions): Promise<void> {
    this.#handle = await this.#session.attach(plugin, (message) => this.#onMessage(message));
    await this.#session.message(this.#handle, { request: 'join', ptype: 'publisher', room: options.room, pin: options.pin, token: options.token, id: options.feed, display: options.display });
    const pc = this.pc;
    pc.addEventListener('icecandidate', (event) => this.#session.trickle(this.#handle, event.candidate ? event.candidate.toJSON() : null));
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed') this.#end('connection failed');
    });
    for (const track of options.stream.getAudioTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [options.stream] });
    for (const track of options.stream.getVideoTracks()) {
      pc.addTransceiver(track, { direction: 'sendonly', streams: [options.stream], sendEncodings: simulcastLayers.map((layer) => ({ ...layer })) });
    }
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const answer = await this.#session.message(this.#handle, { request: 'publish', audio: true, video: true, display: options.display }, { type: 'offer', sdp: offer.sdp ?? '' });
    if (!answer.jsep) throw new Error('the SFU sent no answer to the offer');
    await pc.setRemoteDescription(answer.jsep);
  }

  #onMessage(message: JanusMessage): void {
    const data = message.plugindata?.data;
    if (message.janus === 'hangup' || message.janus === 'detached') this.#end(message.janus);
    else if (data?.['leaving'] === 'ok' || data?.['unpublished'] === 'ok') this.#end(String(data['reason'] ?? 'unpublished'));
  }

  #end(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.pc.close();
    this.#onEnded(reason);
  }

  /** Stops publishing and leaves the room. */
  close(): void {
    if (this.#handle !== 0 && !this.#session.closed) {
      void this.#session.message(this.#handle, { request: 'leave' }).catch(() => {}).finally(() => this.#session.detach(this.#handle));
    }
    this.#ended = true;
    this.pc.close();
  }
}

export interface SubscribeOptions {
  readonly room: number;
  readonly pin: string;
  readonly feed: number;
  readonly rtc: RTCConfiguration | undefined;
  /** The feed's tracks, as they arrive. */
  readonly onStream: (stream: MediaStream) => void;
  readonly onEnded: (reason: string) => void;
}

/** One received publisher: a subscriber handle and its RTCPeerConnection; picks the simulcast layer. */
export class SfuSubscriber {
  readonly feed: number;
  readonly pc: RTCPeerConnection;
  readonly stream = new MediaStream();
  readonly #session: JanusSession;
  #handle = 0;
  #videoMid: string | undefined;
  #substream = -1;
  #current = -1;
  #ended = false;
  readonly #onEnded: (reason: string) => void;
  /** When it started: a climb to the asked-for layer is judged from then. */
  readonly startedAt = Date.now();

  private constructor(session: JanusSession, options: SubscribeOptions) {
    this.#session = session;
    this.feed = options.feed;
    this.#onEnded = options.onEnded;
    this.pc = new RTCPeerConnection(options.rtc);
  }

  static async start(session: JanusSession, options: SubscribeOptions): Promise<SfuSubscriber> {
    const subscriber = new SfuSubscriber(session, options);
    try {
      await subscriber.#start(options);
    } catch (error: unknown) {
      subscriber.close();
      throw error;
    }
    return subscriber;
  }

  /** The simulcast layer being forwarded (0 = smallest), -1 before the first choice. */
  get substream(): number {
    return this.#substream;
  }

  async #start(options: SubscribeOptions): Promise<void> {
    const pc = this.pc;
    pc.addEventListener('track', (event) => {
      this.stream.addTrack(event.track);
      options.onStream(this.stream);
    });
    pc.addEventListener('icecandidate', (event) => this.#session.trickle(this.#handle, event.candidate ? event.candidate.toJSON() : null));
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed') this.#end('connection failed');
    });
    this.#handle = await this.#session.attach(plugin, (message) => this.#onMessage(message));
    const attached = await this.#session.message(this.#handle, { request: 'join', ptype: 'subscriber', room: options.room, pin: options.pin, streams: [{ feed: options.feed }] });
    const streams = attached.plugindata?.data?.['streams'];
    if (Array.isArray(streams)) {
      for (const entry of streams as { type?: string; mid?: string }[]) if (entry.type === 'video') this.#videoMid = entry.mid;
    }
    if (!attached.jsep) throw new Error('the SFU sent no offer');
    await pc.setRemoteDescription(attached.jsep);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await this.#session.message(this.#handle, { request: 'start' }, { type: 'answer', sdp: answer.sdp ?? '' });
  }

  /** The layer Janus says it forwards now (its `substream` events), -1 before the first. */
  get current(): number {
    return this.#current;
  }

  /** Asks Janus for another simulcast layer (0 = smallest). */
  async setSubstream(substream: number): Promise<void> {
    if (substream === this.#substream || this.#ended || this.#videoMid === undefined) return;
    this.#substream = substream;
    await this.#session.message(this.#handle, { request: 'configure', streams: [{ mid: this.#videoMid, substream }] }).catch(() => {
      this.#substream = -1;
    });
  }

  #onMessage(message: JanusMessage): void {
    const data = message.plugindata?.data;
    if (typeof data?.['substream'] === 'number') this.#current = data['substream'];
    if (message.janus === 'hangup' || message.janus === 'detached') this.#end(message.janus);
    // The publisher left or was kicked: Janus says so on the subscription.
    else if (data?.['left'] === 'ok' || data?.['unpublished'] === 'ok' || data?.['leaving'] !== undefined) this.#end('publisher gone');
  }

  #end(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.pc.close();
    this.#onEnded(reason);
  }

  close(): void {
    if (this.#handle !== 0 && !this.#session.closed) void this.#session.detach(this.#handle);
    this.#ended = true;
    this.pc.close();
  }
}
