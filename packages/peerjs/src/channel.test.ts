import { reliableLane } from '@beckon/core';
import { describe, expect, it } from 'vitest';
import { RtcChannel } from './channel.ts';

/** Just enough of an RTCDataChannel to dispatch its events with a chosen bufferedAmount. */
class FakeDataChannel extends EventTarget {
  binaryType = 'blob';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  readyState = 'open';
}

describe('RtcChannel', () => {
  it('passes on bufferedamountlow only while the buffer really is at or below the threshold', () => {
    const fake = new FakeDataChannel();
    const channel = new RtcChannel(reliableLane, fake as unknown as RTCDataChannel);
    channel.bufferedAmountLowThreshold = 1024;
    let lows = 0;
    channel.setHandlers({ onOpen() {}, onClose() {}, onError() {}, onMessage() {}, onBufferedAmountLow: () => void lows++ });
    // Queued by node-datachannel when the buffer dipped, delivered after it filled again: stale.
    fake.bufferedAmount = 770_048;
    fake.dispatchEvent(new Event('bufferedamountlow'));
    expect(lows).toBe(0);
    fake.bufferedAmount = 512;
    fake.dispatchEvent(new Event('bufferedamountlow'));
    expect(lows).toBe(1);
  });
});
