import { cleanupNodeWebRTC, installNodeWebRTC } from '@beckon/peerjs/node';
import type { ImpairedRelay } from './relay.ts';

/**
 * Node WebRTC for the lab: `@beckon/peerjs/node`'s polyfill, wrapped so that while a relay is active every
 * remote ICE candidate (trickled or inside the SDP) is rewritten to the relay's port for it. Each peer then
 * sends to the relay, which impairs and forwards, and neither peer's code knows.
 */
let relay: ImpairedRelay | undefined;
let installed = false;

export function installLabWebRTC(): void {
  if (installed) return;
  installed = true;
  installNodeWebRTC();
  const g = globalThis as unknown as { RTCPeerConnection: typeof RTCPeerConnection };
  const Base = g.RTCPeerConnection;
  g.RTCPeerConnection = class LabRTCPeerConnection extends Base {
    override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      const active = relay;
      if (active !== undefined && description.sdp !== undefined) {
        description = { type: description.type, sdp: await active.rewriteSdp(description.sdp) };
      }
      return super.setRemoteDescription(description);
    }

    override async addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
      const active = relay;
      if (active !== undefined && candidate?.candidate) {
        const rewritten = await active.rewriteCandidate(candidate.candidate);
        if (rewritten === undefined) return;
        candidate = { ...candidate, candidate: rewritten };
      }
      return super.addIceCandidate(candidate ?? undefined);
    }
  } as typeof RTCPeerConnection;
}

/** Routes connections created from now on through `next` (or directly, when undefined). */
export function useRelay(next: ImpairedRelay | undefined): void {
  relay = next;
}

export function cleanupLabWebRTC(): void {
  if (installed) cleanupNodeWebRTC();
}
