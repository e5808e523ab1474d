import { startServer } from '@beckon/cli';
import type { RunningServer } from '@beckon/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupLabWebRTC, installLabWebRTC, useRelay } from './node-webrtc.ts';
import { startDriver, startResponder } from './pair.ts';
import type { Driver, Responder } from './pair.ts';
import { ImpairedRelay } from './relay.ts';

// Real WebRTC (node-datachannel) between a Beckon host and member, routed through the relay by candidate rewriting.
let server: RunningServer | undefined;
const relay = new ImpairedRelay();
const opened: (Driver | Responder)[] = [];

afterAll(async () => {
  for (const item of opened) await item.close().catch(() => {});
  await relay.close();
  await server?.close();
  cleanupLabWebRTC();
});

describe('lab WebRTC through the relay', () => {
  it('carries a Beckon room over the relay and applies its delay to every round trip', async () => {
    installLabWebRTC();
    server = await startServer({ port: 0 });
    const signal = { host: server.host, port: server.port, path: server.path };
    useRelay(relay);
    const responder = await startResponder('beckon', signal, 'relay-test-host');
    opened.push(responder);
    const driver = await startDriver('beckon', signal, responder.id);
    opened.push(driver);
    useRelay(undefined);
    const forwardedAtOpen = relay.stats.forwarded;
    expect(forwardedAtOpen).toBeGreaterThan(0);

    relay.impairment = { delayMs: 20, jitterMs: 0, loss: 0 };
    const { samples, lost } = await driver.rtt('unreliable', 10);
    expect(lost).toBe(0);
    const sorted = samples.sort((a, b) => a - b);
    // 20 ms each way: no round trip can be shorter than 40 ms if every packet goes through the relay.
    expect(sorted[0]).toBeGreaterThanOrEqual(39.5);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(120);
    expect(relay.stats.forwarded).toBeGreaterThan(forwardedAtOpen);
  }, 30_000);
});
