/** Name of a lane: one data channel per lane on each peer connection. */
export type LaneName = 'reliable' | 'unreliable' | 'partial';

/** How a lane's data channel is created. Both ends create it as a negotiated channel with the same id. */
export interface LaneConfig {
  readonly name: LaneName;
  /** SCTP stream id. Negotiated ids start at 100 so they never meet the ids PeerJS gives its own channel. */
  readonly id: number;
  readonly ordered: boolean;
  readonly maxRetransmits?: number;
  readonly maxPacketLifeTime?: number;
}

export const reliableLane: LaneConfig = { name: 'reliable', id: 100, ordered: true };
export const unreliableLane: LaneConfig = { name: 'unreliable', id: 101, ordered: false, maxRetransmits: 0 };
export const partialLane: LaneConfig = { name: 'partial', id: 102, ordered: false, maxPacketLifeTime: 150 };

export const defaultLanes: readonly LaneConfig[] = [reliableLane, unreliableLane, partialLane];

/** A lane retransmits everything when it sets neither limit. Only such lanes carry chunked messages. */
export function isReliable(lane: LaneConfig): boolean {
  return lane.maxRetransmits === undefined && lane.maxPacketLifeTime === undefined;
}

/** The RTCDataChannelInit for a lane. */
export function channelInit(lane: LaneConfig): RTCDataChannelInit {
  const init: RTCDataChannelInit = { negotiated: true, id: lane.id, ordered: lane.ordered };
  if (lane.maxRetransmits !== undefined) init.maxRetransmits = lane.maxRetransmits;
  if (lane.maxPacketLifeTime !== undefined) init.maxPacketLifeTime = lane.maxPacketLifeTime;
  return init;
}
