export { main } from './main.ts';
export type { RunningServer, StartServerOptions } from './serve/server.ts';
export { startServer } from './serve/server.ts';
