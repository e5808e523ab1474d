import { readFileSync } from 'node:fs';
import { startServer } from '@beckon/cli';
import type { RunningServer } from '@beckon/cli';
import { cleanupNodeWebRTC, installNodeWebRTC } from '@beckon/peerjs/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExample } from './example.ts';

describe('the README custom-schema example', () => {
  let server: RunningServer;
  beforeAll(async () => {
    installNodeWebRTC();
    server = await startServer({ port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    cleanupNodeWebRTC();
  });

  it('is quoted verbatim in the README', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL('./example.ts', import.meta.url), 'utf8');
    const quoted = /<!-- example:start -->\n```ts\n([\s\S]*?)```\n<!-- example:end -->/.exec(readme)?.[1];
    expect(quoted).toBe(source);
  });

  it('runs between two real WebRTC peers on both lanes', async () => {
    const { hot, alerts, lanes } = await runExample(server, `lab-hub-${Date.now()}`);
    // Readings ride the unreliable lane, so a few may be lost; every alert the hub sent arrives (reliable lane).
    expect(hot).toBeGreaterThan(30);
    expect(alerts).toHaveLength(hot);
    expect(alerts.every((alert) => alert.sensor === 't1' && alert.detail.case === 'thresholdExceeded' && alert.detail.value > 30)).toBe(true);
    expect(typeof alerts[0]!.raisedAt).toBe('bigint');
    const byLabel = Object.fromEntries(lanes.map((lane) => [lane.label, lane]));
    expect(byLabel['unreliable']).toMatchObject({ ordered: false, maxRetransmits: 0 });
    expect(byLabel['reliable']).toMatchObject({ ordered: true, maxRetransmits: null, maxPacketLifeTime: null });
  }, 30_000);
});
