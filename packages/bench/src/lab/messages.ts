import { Blob, Done, Ping, State } from './gen/benchnet.ts';

/**
 * The network benchmarks' messages (packages/bench/protos/benchnet.proto), with the static codecs `beckon gen` writes:
 * the same module loads in Node and in a bundled browser page, and measures what an app's own schema gets.
 */
export { Blob, Done, Ping, State };
export const benchTypes = [Ping, State, Blob, Done];

/** Payload bytes of a "small message" in the round-trip benchmarks, the same for every system. */
export const smallPayloadBytes = 32;
