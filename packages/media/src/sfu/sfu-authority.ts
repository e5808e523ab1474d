import { BeckonError } from '@beckon/core';
import { JanusSession } from './janus-session.ts';
import type { SfuPass } from './sfu-link.ts';

/** What `POST /sfu/rooms` of `beckon serve --sfu` answers. */
export interface SfuRoomGrant {
  readonly url: string;
  readonly room: number;
  readonly secret: string;
  readonly pin: string;
  readonly token: string;
}

interface Publisher {
  readonly token: string;
  readonly feed: number;
  /** Resolves once Janus accepts the token. */
  readonly ready: Promise<void>;
}

/**
 * The host's hold on its SFU room: it alone knows the room secret, so it alone adds publisher tokens, removes
 * them and kicks feeds. Members get the pin (to watch) and, while the host lets them, a token and a feed id.
 */
export class SfuAuthority {
  readonly grant: SfuRoomGrant;
  readonly hostFeed: number;
  readonly #session: JanusSession;
  #handle: Promise<number> | undefined;
  readonly #publishers = new Map<string, Publisher>();

  private constructor(grant: SfuRoomGrant) {
    this.grant = grant;
    this.hostFeed = randomFeed();
    this.#session = new JanusSession(grant.url);
  }

  /** Asks the Beckon server (`rooms`: its `/sfu/rooms` URL) for a room. */
  static async create(rooms: string, fetcher: typeof fetch = fetch): Promise<SfuAuthority> {
    const response = await fetcher(rooms, { method: 'POST' });
    const body = (await response.json().catch(() => ({}))) as Partial<SfuRoomGrant> & { error?: string };
    if (!response.ok || typeof body.room !== 'number' || typeof body.url !== 'string' || typeof body.secret !== 'string' || typeof body.pin !== 'string' || typeof body.token !== 'string') {
      throw new BeckonError('refused', `no SFU room from ${rooms}: ${body.error ?? response.status}`);
    }
    return new SfuAuthority({ url: body.url, room: body.room, secret: body.secret, pin: body.pin, token: body.token });
  }

  /** The host's own pass (it publishes with the room's first token). */
  get hostPass(): SfuPass {
    return { url: this.grant.url, room: this.grant.room, pin: this.grant.pin, token: this.grant.token, feed: this.hostFeed };
  }

  feedOf(participantId: string): number {
    return this.#publishers.get(participantId)?.feed ?? 0;
  }

  /** A member's pass; `ready` resolves once Janus knows its token (send the pass only then). */
  passFor(participantId: string): { pass: SfuPass; ready: Promise<void> } {
    const publisher = this.#publishers.get(participantId);
    const base = { url: this.grant.url, room: this.grant.room, pin: this.grant.pin };
    if (!publisher) return { pass: { ...base, token: '', feed: 0 }, ready: Promise.resolve() };
    return { pass: { ...base, token: publisher.token, feed: publisher.feed }, ready: publisher.ready };
  }

  /** Lets exactly these members publish: new ones get a token, dropped ones lose theirs and are kicked. Returns who changed. */
  setPublishers(ids: ReadonlySet<string>): string[] {
    const changed: string[] = [];
    for (const [id, publisher] of this.#publishers) {
      if (ids.has(id)) continue;
      this.#publishers.delete(id);
      changed.push(id);
      void this.#revoke(publisher);
    }
    for (const id of ids) {
      if (this.#publishers.has(id)) continue;
      const token = randomToken();
      this.#publishers.set(id, { token, feed: randomFeed(), ready: this.#control({ request: 'allowed', action: 'add', allowed: [token] }).then(() => {}) });
      changed.push(id);
    }
    return changed;
  }

  close(): void {
    this.#session.close();
  }

  async #revoke(publisher: Publisher): Promise<void> {
    await publisher.ready.catch(() => {});
    // Token first, so a kicked member cannot join again; then the kick ends its publication on the server.
    await this.#control({ request: 'allowed', action: 'remove', allowed: [publisher.token] }).catch(() => {});
    await this.#control({ request: 'kick', id: publisher.feed }).catch(() => {});
  }

  async #control(body: Record<string, unknown>): Promise<unknown> {
    this.#handle ??= this.#session.attach('janus.plugin.videoroom', () => {});
    const handle = await this.#handle;
    return this.#session.message(handle, { ...body, room: this.grant.room, secret: this.grant.secret });
  }
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A feed id Janus accepts (a positive 32-bit integer, as the roster's uint32 carries it). */
function randomFeed(): number {
  return (crypto.getRandomValues(new Uint32Array(1))[0]! % 2_000_000_000) + 1;
}
