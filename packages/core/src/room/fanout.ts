import type { Frame } from '../codec.ts';
import { BeckonError } from '../errors.ts';
import type { LaneName } from '../lanes.ts';
import { Settlement } from '../session/index.ts';
import type { PeerSession } from '../session/index.ts';
import { now } from '../util.ts';
import type { Roster } from './roster.ts';
import type { Delivery } from './types.ts';
import { delivery } from './wire.ts';

/** Participants who should get a broadcast: those here, and those briefly gone who will be back for it. */
export function broadcastRecipients(roster: Roster, connected: (id: string) => boolean, except: string, graceMs: number): string[] {
  const t = now();
  return [...roster.entries()]
    .filter(([id, known]) => id !== except && known.removed === undefined && (connected(id) || (known.goneAt !== undefined && t - known.goneAt < graceMs)))
    .map(([id]) => id);
}

/**
 * Sends one frame to each recipient. On a reliable lane (`tracked`) each copy is numbered in the recipient's stream
 * and kept until acknowledged, so a member that is away, or reconnects, gets it exactly once; a member that is away
 * settles the delivery when it is back.
 */
export function fanOut(
  frame: Frame,
  lane: LaneName,
  tracked: boolean,
  recipients: readonly string[],
  roster: Roster,
  sessionOf: (id: string) => PeerSession | undefined,
  report: (error: BeckonError) => void,
): Delivery {
  const results: Settlement[] = [];
  let transfer = 0;
  for (const id of recipients) {
    const known = roster.get(id);
    let outgoing = frame;
    if (tracked && known) {
      outgoing = { ...frame, id: known.outgoing.nextId() };
      known.outgoing.keep(outgoing);
    }
    const session = sessionOf(id);
    if (!session) {
      if (known) {
        const waiting = new Settlement();
        known.waiting.push((result) => waiting.settle(result));
        results.push(waiting);
      }
      continue;
    }
    try {
      const sent = session.send(outgoing, lane);
      transfer ||= sent.transfer;
      if (tracked && known) {
        const id = outgoing.id;
        sent.settlement.onSettled((result) => {
          if (result.ok) known.outgoing.acknowledge(id);
        });
      }
      results.push(sent.settlement);
    } catch (error) {
      if (!(error instanceof BeckonError)) throw error;
      results.push(Settlement.of({ ok: false, seq: 0, error }));
      report(error.withPeer(id));
    }
  }
  return delivery(lane, transfer, Settlement.all(results));
}
