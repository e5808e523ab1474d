import type { Express } from 'express';
import type { TurnOptions } from '../options.ts';
import { createSfuRoom } from './janus-api.ts';
import { turnCredentials, turnUrlsFor } from './turn.ts';

/** The SFU as the HTTP routes see it: where the API is, and how it is doing. */
export interface SfuEndpoint {
  /** Where this process reaches the Janus API. */
  readonly apiUrl: string;
  /** Where pages reach it. */
  readonly publicUrl: string;
  readonly adminKey: string;
  /** For `/health`. */
  status(): Record<string, unknown>;
}

/** Rooms a client may ask for per minute: enough for a school, not for filling Janus with rooms. */
const roomsPerMinute = 60;

/**
 * `POST /sfu/rooms`: a private Janus room for a Beckon host (its secret, pin and first publisher token).
 * The admin key never leaves this process, so the Janus URL alone lets nobody create, join or watch a room.
 * `GET /turn`: coturn REST-API credentials that expire.
 */
export function mountSfuRoutes(app: Express, sfu: SfuEndpoint | undefined, turn: TurnOptions | undefined): void {
  let windowStart = Date.now();
  let created = 0;
  app.post('/sfu/rooms', (_request, response) => {
    response.setHeader('Cache-Control', 'no-store');
    if (!sfu) {
      response.status(404).json({ ok: false, error: 'no SFU: start beckon serve with --sfu or --sfu-url' });
      return;
    }
    if (Date.now() - windowStart > 60_000) {
      windowStart = Date.now();
      created = 0;
    }
    if (++created > roomsPerMinute) {
      response.status(429).json({ ok: false, error: 'too many rooms this minute' });
      return;
    }
    createSfuRoom(sfu.apiUrl, sfu.publicUrl, sfu.adminKey, 64).then(
      (grant) => response.json({ ok: true, ...grant }),
      (error: unknown) => response.status(502).json({ ok: false, error: `SFU: ${(error as Error).message}` }),
    );
  });
  app.get('/turn', (request, response) => {
    response.setHeader('Cache-Control', 'no-store');
    if (!turn) {
      response.status(404).json({ ok: false, error: 'no TURN: start beckon serve with --turn and --turn-secret-file' });
      return;
    }
    const server = turnCredentials(turn.secret, turnUrlsFor(turn.urls, request.headers.host), turn.ttlSeconds, 'beckon');
    response.json({ ok: true, ttlSeconds: turn.ttlSeconds, iceServers: [server] });
  });
}
