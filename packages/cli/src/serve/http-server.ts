import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import express from 'express';
import { ExpressPeerServer } from 'peer';
import type { ServeOptions } from './options.ts';
import { mountSfuRoutes } from './sfu/routes.ts';
import type { SfuEndpoint } from './sfu/routes.ts';

/** The server inside the `beckon serve` process. */
export interface ListeningServer {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly url: string;
  /** Stops accepting, drops every connection (signalling websockets included) and resolves once closed. */
  close(): Promise<void>;
}

/**
 * One HTTP server on one port: `GET /health`, the static directories, and the PeerServer under
 * `options.path`. The PeerServer re-arms its own timers forever and has no stop, so this runs only in
 * the `beckon serve` process, which exits after `close()` (other code uses `startServer`, a child process).
 */
export async function listen(options: ServeOptions, sfu?: SfuEndpoint): Promise<ListeningServer> {
  const started = Date.now();
  const app = express();
  app.disable('x-powered-by');
  const server = createServer(app);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const peers = new Set<string>();
  app.get('/health', (_request, response) => {
    response.json({ ok: true, peers: peers.size, uptimeMs: Date.now() - started, node: process.version, sfu: sfu?.status() ?? null, turn: options.turn !== undefined });
  });
  mountSfuRoutes(app, sfu, options.turn);
  for (const { mount, dir } of options.statics) app.use(mount, express.static(dir));

  const peerServer = ExpressPeerServer(server, {
    path: options.path,
    expire_timeout: options.expireTimeoutMs,
    allow_discovery: false,
  });
  peerServer.on('connection', (client) => peers.add(client.getId()));
  peerServer.on('disconnect', (client) => peers.delete(client.getId()));
  // Its websocket server re-emits the HTTP server's errors: unhandled, a taken port would crash the
  // process before `listen` below can report it. Errors once listening (a bad frame, say) are logged.
  let listening = false;
  peerServer.on('error', (error: Error) => {
    if (listening) console.error(`beckon serve: signalling error: ${error.message}`);
  });
  app.use(peerServer);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      listening = true;
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;

  return {
    host: options.host,
    port,
    path: options.path,
    url: `http://${hostForUrl}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Upgraded (websocket) sockets are no longer the HTTP server's, so it would wait on them forever.
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      }),
  };
}
