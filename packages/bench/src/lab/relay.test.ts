import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { ImpairedRelay, parseCandidate } from './relay.ts';

const host = '127.0.0.1';
const open: (Socket | ImpairedRelay)[] = [];

afterEach(async () => {
  for (const item of open.splice(0)) {
    if (item instanceof ImpairedRelay) await item.close();
    else item.close();
  }
});

async function bound(): Promise<Socket> {
  const socket = createSocket('udp4');
  open.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  return socket;
}

function portOf(socket: Socket): number {
  return socket.address().port;
}

/** Sends `count` numbered packets from a to b through the relay, and collects what b receives. */
async function stream(relay: ImpairedRelay, count: number, intervalMs: number, settleMs: number) {
  const a = await bound();
  const b = await bound();
  const toB = await relay.portFor(portOf(b));
  const fromPorts = new Set<number>();
  const arrivals = new Map<number, number>();
  b.on('message', (data, from) => {
    fromPorts.add(from.port);
    arrivals.set(data.readUInt32BE(0), performance.now() - data.readDoubleBE(4));
  });
  for (let i = 0; i < count; i++) {
    const packet = Buffer.alloc(12);
    packet.writeUInt32BE(i, 0);
    packet.writeDoubleBE(performance.now(), 4);
    a.send(packet, toB, host);
    if (intervalMs > 0 && i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return { arrivals, fromPorts, aRelayPort: await relay.portFor(portOf(a)) };
}

describe('ImpairedRelay', () => {
  it('forwards everything unimpaired, from the relay port that stands for the sender', async () => {
    const relay = new ImpairedRelay();
    open.push(relay);
    const { arrivals, fromPorts, aRelayPort } = await stream(relay, 200, 1, 100);
    expect(arrivals.size).toBe(200);
    expect([...fromPorts]).toEqual([aRelayPort]);
  });

  it('drops close to the configured fraction', async () => {
    const relay = new ImpairedRelay({ delayMs: 0, jitterMs: 0, loss: 0.2 });
    open.push(relay);
    const { arrivals } = await stream(relay, 3000, 1, 200);
    const delivered = arrivals.size / 3000;
    // 3000 Bernoulli(0.8) trials: sd ≈ 0.0073, so ±0.04 is more than 5 sd.
    expect(delivered).toBeGreaterThan(0.76);
    expect(delivered).toBeLessThan(0.84);
    expect(relay.stats.dropped).toBe(3000 - arrivals.size);
  });

  it('delays every packet by the configured time within the jitter', async () => {
    const relay = new ImpairedRelay({ delayMs: 30, jitterMs: 5, loss: 0 });
    open.push(relay);
    const { arrivals } = await stream(relay, 200, 2, 200);
    expect(arrivals.size).toBe(200);
    const delays = [...arrivals.values()].sort((x, y) => x - y);
    // Never early; late by at most timer slack on a busy machine.
    expect(delays[0]).toBeGreaterThanOrEqual(24.5);
    expect(delays[Math.floor(delays.length / 2)]).toBeGreaterThan(27);
    expect(delays[Math.floor(delays.length / 2)]).toBeLessThan(45);
  });

  it('drops everything during a burst outage and nothing outside it', async () => {
    const relay = new ImpairedRelay({ delayMs: 0, jitterMs: 0, loss: 0, outage: { durationMs: 100, periodMs: 400 } });
    open.push(relay);
    // The outage window starts with the relay: wait it out, then send a packet every 5 ms for ~1.2 s.
    const a = await bound();
    const b = await bound();
    const toB = await relay.portFor(portOf(b));
    let received = 0;
    b.on('message', () => received++);
    const sent: boolean[] = [];
    const start = performance.now();
    while (performance.now() - start < 1200) {
      a.send(Buffer.from([1]), toB, host);
      sent.push(true);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const fraction = received / sent.length;
    // A quarter of the time is outage.
    expect(fraction).toBeGreaterThan(0.6);
    expect(fraction).toBeLessThan(0.9);
  });

  it('rewrites ICE candidates and SDP to relay ports, dropping what it cannot carry', async () => {
    const relay = new ImpairedRelay();
    open.push(relay);
    const udp = 'candidate:1 1 UDP 2122317823 127.0.0.1 50000 typ host';
    const rewritten = await relay.rewriteCandidate(udp);
    const relayPort = await relay.portFor(50000);
    expect(rewritten).toBe(`candidate:1 1 UDP 2122317823 127.0.0.1 ${relayPort} typ host`);
    expect(await relay.rewriteCandidate('candidate:2 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active')).toBeUndefined();
    expect(await relay.rewriteCandidate('candidate:3 1 udp 2122262783 ::1 50001 typ host')).toBeUndefined();
    const sdp = ['v=0', `a=${udp}`, 'a=candidate:3 1 udp 2122262783 ::1 50001 typ host', 'a=end-of-candidates', ''].join('\r\n');
    expect(await relay.rewriteSdp(sdp)).toBe(['v=0', `a=${rewritten}`, 'a=end-of-candidates', ''].join('\r\n'));
    expect(parseCandidate('not a candidate')).toBeUndefined();
  });
});
