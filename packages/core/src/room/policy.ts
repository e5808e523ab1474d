import type { Frame } from '../codec.ts';
import { BeckonError } from '../errors.ts';
import type { LaneName } from '../lanes.ts';
import type { MessageType } from '../schema.ts';
import type { ReceivePolicy } from '../session/index.ts';
import { hex, now } from '../util.ts';
import { controlIds } from './wire.ts';
import type { RateLimit } from './types.ts';

export const defaultRateLimit: RateLimit = { perSecond: 200, burst: 400, removeAfter: 2000 };
/** Largest member payload for a type without its own `max_bytes`, unless the host sets `maxPayloadBytes`. */
export const defaultMaxPayloadBytes = 64 * 1024;

/** A token bucket: `perSecond` sustained, bursts of `burst`. */
export class TokenBucket {
  #tokens: number;
  #at = now();

  constructor(
    readonly perSecond: number,
    readonly burst: number,
  ) {
    this.#tokens = burst;
  }

  take(): boolean {
    const t = now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#at) / 1000) * this.perSecond);
    this.#at = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** Most frames a link may send before it has joined (Hello, Join, heartbeats), and the size of each. */
export const preJoinFrames = 32;
export const preJoinFrameBytes = 8 * 1024;

/**
 * What a link that has not joined may send: a few small, unchunked frames. Every refusal counts as a bad frame;
 * `bad` closes the link when there were too many.
 */
export function preJoinPolicy(bad: () => void): ReceivePolicy {
  let frames = 0;
  return {
    admit(kind, size) {
      if (++frames > preJoinFrames || size > preJoinFrameBytes || kind === 'chunk' || kind === 'malformed') {
        bad();
        return false;
      }
      return true;
    },
    maxTransferBytes: () => 0,
  };
}

/**
 * What a joined member may send below the room's messages: heartbeats and acks within their buckets (a dropped one
 * is a strike; `struckOut` when there were too many), chunked messages only of types it may send, up to `maxBytes`.
 */
export function memberReceivePolicy(budget: Budget, maxBytes: (type: number) => number, struckOut: () => void): ReceivePolicy {
  return {
    admit(kind) {
      const ok = kind === 'heartbeat' ? budget.heartbeats.take() : kind === 'ack' ? budget.acks.take() : true;
      if (!ok && budget.strike()) struckOut();
      return ok;
    },
    maxTransferBytes(type) {
      const limit = maxBytes(type);
      // The frame's head (ids, timestamps) comes on top of the payload.
      return limit > 0 ? limit + 1024 : 0;
    },
  };
}

/** One member's budget: a token bucket for all its frames, one per rate-limited type, and its recent refusals. */
export class Budget {
  /** Heartbeats are one a second; more are not echoed. */
  readonly heartbeats = new TokenBucket(5, 10);
  /** Acks are coalesced every few ms by an honest peer, however much the host sends it. */
  readonly acks = new TokenBucket(400, 800);
  readonly #limit: RateLimit | undefined;
  readonly #typeBuckets = new Map<number, { tokens: number; at: number }>();
  readonly #strikes: number[] = [];
  #tokens: number;
  #refilledAt = now();
  #lastToldAt = 0;

  constructor(limit: RateLimit | undefined) {
    this.#limit = limit;
    this.#tokens = limit?.burst ?? 0;
  }

  /** Takes one token from the member's bucket; false when it is sending too fast. */
  take(): boolean {
    const limit = this.#limit;
    if (!limit) return true;
    const t = now();
    this.#tokens = Math.min(limit.burst, this.#tokens + ((t - this.#refilledAt) / 1000) * limit.perSecond);
    this.#refilledAt = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Takes one token from the type's own bucket (`max_rate`, bursts of twice that). */
  takeType(type: MessageType): boolean {
    if (type.maxRate <= 0) return true;
    const t = now();
    const bucket = this.#typeBuckets.get(type.id) ?? { tokens: type.maxRate * 2, at: t };
    bucket.tokens = Math.min(type.maxRate * 2, bucket.tokens + ((t - bucket.at) / 1000) * type.maxRate);
    bucket.at = t;
    this.#typeBuckets.set(type.id, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Counts a refused frame; true when the member has been refused too often within ten seconds and must go. */
  strike(): boolean {
    const t = now();
    this.#strikes.push(t);
    while (this.#strikes.length > 0 && this.#strikes[0]! < t - 10_000) this.#strikes.shift();
    const removeAfter = this.#limit?.removeAfter ?? 0;
    return removeAfter > 0 && this.#strikes.length >= removeAfter;
  }

  /** Whether to tell the member about a refusal now: at most once a second, so refusals cannot be amplified. */
  shouldTell(): boolean {
    const t = now();
    if (t - this.#lastToldAt < 1000) return false;
    this.#lastToldAt = t;
    return true;
  }

  get perSecond(): number | undefined {
    return this.#limit?.perSecond;
  }
}

export interface PolicyContext {
  /** The host's participant id. */
  readonly selfId: string;
  readonly maxPayloadBytes: number;
  /** Whether a participant is connected (an `everyone` message may be addressed to them). */
  isMember(id: string): boolean;
}

/**
 * Checks an application frame from a member against its type's policy and limits. Returns why it is refused, or
 * undefined when the host may accept it.
 */
export function checkMemberFrame(
  type: MessageType | undefined,
  frame: Frame,
  from: string,
  lane: LaneName,
  budget: Budget,
  context: PolicyContext,
): BeckonError | undefined {
  if (!type || controlIds.has(type.id)) {
    return type
      ? new BeckonError('policy-violation', `${from} may not send ${type.name}`, { peer: from, messageType: type.name, lane })
      : new BeckonError('unknown-type', `Unknown message type 0x${frame.type.toString(16)} from ${from}`, { peer: from, messageType: hex(frame.type), lane });
  }
  const details = { peer: from, messageType: type.name, lane };
  const limit = type.maxBytes || context.maxPayloadBytes;
  if (frame.payload.length > limit) {
    return new BeckonError('oversized', `${type.name} from ${from} is ${frame.payload.length} bytes; the limit is ${limit}`, details);
  }
  if (!budget.takeType(type)) return new BeckonError('rate-limited', `${from} sends ${type.name} faster than ${type.maxRate}/s; dropped`, details);
  const to = frame.to;
  if (type.policy === 'host-to-members' || (type.policy === 'member-to-host' && to !== '' && to !== context.selfId)) {
    const what = type.policy === 'host-to-members' ? `may not send ${type.name}` : `may send ${type.name} only to the host`;
    return new BeckonError('policy-violation', `${from} ${what}`, details);
  }
  if (type.policy === 'member-to-everyone' && to !== '' && to !== context.selfId && !context.isMember(to)) {
    return new BeckonError('policy-violation', `${from} addressed ${type.name} to unknown participant ${to}`, details);
  }
  return undefined;
}


/** Whether a payload decodes as its type (checked before relaying what the host does not read itself). */
export function decodes(type: MessageType, payload: Uint8Array): boolean {
  try {
    type.decode(payload);
    return true;
  } catch {
    return false;
  }
}
