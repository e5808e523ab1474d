import { randomBytes, randomInt } from 'node:crypto';
import WebSocket from 'ws';

/** A room on the SFU as `POST /sfu/rooms` hands it to a Beckon host: only the host learns the secret. */
export interface SfuRoomGrant {
  /** Janus WebSocket API, as the browser reaches it. */
  readonly url: string;
  readonly room: number;
  /** Edits the room (publisher tokens, kicks): the host's alone. */
  readonly secret: string;
  /** Needed to join as publisher or subscriber: the host hands it to members on the reliable lane. */
  readonly pin: string;
  /** The host's own publisher token; the host adds more for whoever it lets publish. */
  readonly token: string;
}

const requestTimeoutMs = 5000;

/**
 * One request/response exchange with Janus over its WebSocket API, in a session of its own that ends with it.
 * Enough for `info` (is it up?) and room creation; the media clients live in `@beckon/media`.
 */
export async function janusExchange(url: string, steps: (call: (message: Record<string, unknown>) => Promise<Record<string, unknown>>) => Promise<void>): Promise<void> {
  const socket = new WebSocket(url, 'janus-protocol');
  const waiting = new Map<string, (message: Record<string, unknown>) => void>();
  let next = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('message', (data) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(String(data)) as Record<string, unknown>;
      } catch {
        return;
      }
      if (message['janus'] === 'ack') return;
      const resolve = waiting.get(String(message['transaction']));
      if (!resolve) return;
      waiting.delete(String(message['transaction']));
      resolve(message);
    });
    const call = (message: Record<string, unknown>): Promise<Record<string, unknown>> =>
      new Promise((resolve, reject) => {
        const transaction = `b${++next}`;
        const timer = setTimeout(() => reject(new Error(`Janus did not answer ${String(message['janus'])} in ${requestTimeoutMs} ms`)), requestTimeoutMs);
        waiting.set(transaction, (answer) => {
          clearTimeout(timer);
          resolve(answer);
        });
        socket.send(JSON.stringify({ ...message, transaction }));
      });
    await steps(call);
  } finally {
    socket.close();
  }
}

/** Resolves when Janus answers `info` at `url`. */
export async function janusInfo(url: string): Promise<Record<string, unknown>> {
  let info: Record<string, unknown> = {};
  await janusExchange(url, async (call) => {
    info = await call({ janus: 'info' });
  });
  return info;
}

/** Creates a private VideoRoom with a fresh secret, pin and host token (rooms need the plugin's admin key). */
export async function createSfuRoom(apiUrl: string, publicUrl: string, adminKey: string, publishers: number): Promise<SfuRoomGrant> {
  const grant: SfuRoomGrant = {
    url: publicUrl,
    room: randomInt(1, 2 ** 31),
    secret: randomBytes(18).toString('base64url'),
    pin: randomBytes(12).toString('base64url'),
    token: randomBytes(18).toString('base64url'),
  };
  await janusExchange(apiUrl, async (call) => {
    const session = await call({ janus: 'create' });
    const sessionId = (session['data'] as { id?: number } | undefined)?.id;
    const attached = await call({ janus: 'attach', session_id: sessionId, plugin: 'janus.plugin.videoroom' });
    const handleId = (attached['data'] as { id?: number } | undefined)?.id;
    const created = await call({
      janus: 'message',
      session_id: sessionId,
      handle_id: handleId,
      body: {
        request: 'create',
        room: grant.room,
        admin_key: adminKey,
        secret: grant.secret,
        pin: grant.pin,
        is_private: true,
        // Only token holders may publish; watching needs the pin.
        allowed: [grant.token],
        publishers,
        // What Janus advertises to each publisher (REMB): room for both simulcast layers (800 + 160 kbit/s) and audio.
        bitrate: 1_200_000,
        // VP8 simulcast is what Chromium sends with rids; keep the codec list to what every browser decodes.
        videocodec: 'vp8',
        audiocodec: 'opus',
        notify_joining: false,
      },
    });
    const data = (created['plugindata'] as { data?: { videoroom?: string; error?: string } } | undefined)?.data;
    if (data?.videoroom !== 'created') throw new Error(`Janus refused to create a room: ${data?.error ?? JSON.stringify(created)}`);
    await call({ janus: 'destroy', session_id: sessionId });
  });
  return grant;
}
