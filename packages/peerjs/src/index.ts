export type { PeerJsTransport, PeerJsTransportOptions } from './peerjs-transport.ts';
export { createPeerJsTransport } from './peerjs-transport.ts';
export { defaultMaxMessageSize } from './link.ts';
