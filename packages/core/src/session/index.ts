export { encodeChunkFrame } from './chunks.ts';
export type { ReceivePolicy, SessionOptions } from './options.ts';
export { defaultSessionOptions } from './options.ts';
export { PeerSession } from './session.ts';
export type { SentFrame } from './sent.ts';
export { Settlement } from './settlement.ts';
export type { DeliveryResult, SessionEvents, SessionStats, TransferProgress } from './types.ts';
