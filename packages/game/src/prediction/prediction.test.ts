import { describe, expect, it } from 'vitest';
import { InputHistory, InputQueue } from '../sync/inputs.ts';
import { applyTestInput, seeded, testSchema } from '../test-utils/test-game.ts';
import type { EntityState } from '../codec/schema.ts';
import { Predictor } from './predictor.ts';

const dt = 1 / 60;

describe('prediction and reconciliation', () => {
  it('predicts each input at once and agrees with the host after replaying unacknowledged inputs', () => {
    const history = new InputHistory();
    const predictor = new Predictor({ applyInput: applyTestInput, dt });
    const host: EntityState = { x: 100, y: 100, heading: 0, kind: 0 };
    const queue = new InputQueue();
    predictor.reconcile(testSchema.round(host), []);
    const random = seeded(4);
    for (let tick = 1; tick <= 120; tick++) {
      const input = history.push({ moveX: Math.sin(tick / 10), moveY: random() - 0.5 });
      predictor.predict(input);
      queue.receive(history.packet());
      // The host lags six inputs behind (the round trip), then applies them in order.
      if (tick > 6) applyTestInput(host, queue.next()!, dt);
      if (tick % 3 === 0 && tick > 6) {
        history.acknowledge(queue.lastApplied);
        expect(history.pending.length).toBe(tick - queue.lastApplied);
        predictor.reconcile(testSchema.round(host), history.pending);
        // The only error is the snapshots' quantisation (two of 1/32 unit per axis at most), not six inputs in flight.
        expect(predictor.lastError).toBeLessThan(0.1);
      }
    }
    expect(predictor.state!['x']).toBeGreaterThan(100);
    expect(predictor.snaps).toBe(0);
  });

  it('smooths a small correction out over time and snaps a large one', () => {
    const predictor = new Predictor({ applyInput: applyTestInput, dt, correctionHalfLifeMs: 50, snapDistance: 20 });
    predictor.reconcile({ x: 100, y: 100, heading: 0, kind: 0 }, []);
    // The host says we are 8 units left of where we predicted (say, we were pushed).
    predictor.reconcile({ x: 92, y: 100, heading: 0, kind: 0 }, []);
    expect(predictor.state!['x']).toBe(92);
    expect(predictor.view()!['x']).toBe(100);
    predictor.decay(50);
    expect(predictor.view()!['x']).toBeCloseTo(96);
    predictor.decay(500);
    expect(predictor.view()!['x']).toBeCloseTo(92, 1);
    predictor.reconcile({ x: 300, y: 100, heading: 0, kind: 0 }, []);
    expect(predictor.view()!['x']).toBe(300);
    expect(predictor.snaps).toBe(1);
    expect(predictor.corrections).toBe(2);
  });
});

describe('input redundancy', () => {
  it('loses no input through 30% packet loss with the last 8 inputs in every packet', () => {
    const random = seeded(8);
    const history = new InputHistory(8);
    const queue = new InputQueue(1000);
    const applied: number[] = [];
    for (let tick = 1; tick <= 2000; tick++) {
      history.push({ moveX: random() * 2 - 1, buttons: tick & 3 });
      if (random() >= 0.3) queue.receive(history.packet());
      for (let input = queue.next(); input; input = queue.next()) applied.push(input.seq);
      if (tick % 4 === 0 && random() >= 0.3) history.acknowledge(queue.lastApplied);
    }
    queue.receive(history.packet());
    for (let input = queue.next(); input; input = queue.next()) applied.push(input.seq);
    // Every seq exactly once, in order (losing 8 packets in a row at 30% loss is rarer than 1 in 15,000).
    expect(applied).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(queue.missed).toBe(0);
  });

  it('quantises axes identically on both ends and bounds what a client can queue', () => {
    const history = new InputHistory();
    const input = history.push({ moveX: 0.5, moveY: -2 });
    expect(input.moveX).toBe(64);
    expect(input.moveY).toBe(-127);
    const queue = new InputQueue(4);
    queue.receive(Array.from({ length: 10 }, (_, i) => ({ seq: i + 1, buttons: 0, moveX: 999, moveY: 0 })));
    expect(queue.length).toBe(4);
    expect(queue.overflowed).toBe(6);
    expect(queue.next()).toEqual({ seq: 7, buttons: 0, moveX: 127, moveY: 0 });
  });
});
