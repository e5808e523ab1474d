/**
 * The part of PeerJS that media uses, typed structurally so this package needs no PeerJS import (the room's
 * transport already has one: pass `transport.peer`), and tests can pass a fake.
 */
export interface MediaCall {
  /** Transport id of the other end. */
  readonly peer: string;
  readonly metadata: unknown;
  readonly peerConnection: RTCPeerConnection | null | undefined;
  answer(stream?: MediaStream): void;
  close(): void;
  on(event: 'stream', listener: (stream: MediaStream) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
}

export interface MediaPeerLike {
  readonly id: string;
  call(peer: string, stream: MediaStream, options?: { metadata?: unknown }): MediaCall | undefined;
  on(event: 'call', listener: (call: MediaCall) => void): unknown;
  off(event: 'call', listener: (call: MediaCall) => void): unknown;
}

/** Key of the call metadata that marks a call as Beckon media, so an app's own PeerJS calls are left alone. */
export const callTag = 'beckonMedia';

/** Key of the participant metadata holding its transport id (`mediaMetadata`). */
export const peerMetadataKey = 'beckon.peer';

/** Participant metadata that lets the others call this participant: pass it to `joinRoom`/`hostRoom`. */
export function mediaMetadata(transport: { readonly localId: string }): Record<string, string> {
  return { [peerMetadataKey]: transport.localId };
}

export function isMediaCall(call: MediaCall): boolean {
  return typeof call.metadata === 'object' && call.metadata !== null && callTag in call.metadata;
}
