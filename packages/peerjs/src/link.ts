import type { Channel, LaneName, Link } from '@beckon/core';
import type { DataConnection } from 'peerjs';
import type { RtcChannel } from './channel.ts';

/** Used when the SCTP transport does not say (RFC 8841's default when `a=max-message-size` is absent). */
export const defaultMaxMessageSize = 65536;

/**
 * One RTCPeerConnection to one remote peer, with a negotiated data channel per lane. The PeerJS
 * DataConnection that set the connection up stays open beside the lanes: closing it closes the pc.
 */
export class PeerJsLink implements Link {
  readonly remoteId: string;
  readonly maxMessageSize: number;
  readonly channels: ReadonlyMap<LaneName, Channel>;
  readonly #connection: DataConnection;
  readonly #lanes: readonly RtcChannel[];
  readonly #callbacks: ((reason: string) => void)[] = [];
  #closedReason: string | undefined;

  constructor(connection: DataConnection, lanes: readonly RtcChannel[]) {
    this.remoteId = connection.peer;
    this.#connection = connection;
    this.#lanes = lanes;
    this.channels = new Map(lanes.map((channel) => [channel.lane.name, channel]));
    const pc = connection.peerConnection;
    this.maxMessageSize = pc.sctp?.maxMessageSize ?? defaultMaxMessageSize;

    pc.addEventListener('connectionstatechange', () => {
      const state = pc.connectionState;
      if (state === 'closed' || state === 'failed') this.#gone(`peer connection ${state}`);
    });
    connection.on('close', () => this.#gone('signalling data connection closed'));
    for (const channel of lanes) {
      channel.watchClose(() => this.#gone(`lane "${channel.lane.name}" closed`));
    }
    for (const channel of lanes) channel.markHandedOver();
  }

  get closed(): boolean {
    return this.#closedReason !== undefined;
  }

  onClose(callback: (reason: string) => void): void {
    if (this.#closedReason !== undefined) {
      const reason = this.#closedReason;
      queueMicrotask(() => callback(reason));
      return;
    }
    this.#callbacks.push(callback);
  }

  close(): void {
    this.#gone('closed locally');
  }

  #gone(reason: string): void {
    if (this.#closedReason !== undefined) return;
    this.#closedReason = reason;
    for (const channel of this.#lanes) {
      if (channel.state === 'open' || channel.state === 'connecting') channel.close();
    }
    // Closes the RTCPeerConnection too, which the remote sees as its lanes and pc closing.
    this.#connection.close();
    for (const callback of this.#callbacks.splice(0)) callback(reason);
  }
}
