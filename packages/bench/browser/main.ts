import { startDriver, startResponder } from '../src/lab/pair.ts';
import type { Driver, LaneKind, RttResult, SignalServer, System } from '../src/lab/pair.ts';

/**
 * One side of a benchmark pair in a page. Playwright calls these; the PeerServer is the one that served the page.
 */
const server: SignalServer = { host: location.hostname, port: Number(location.port), path: new URLSearchParams(location.search).get('path') ?? '/peerjs' };
const drivers = new Map<System, Driver>();

const api = {
  async responder(system: System, id: string): Promise<string> {
    return (await startResponder(system, server, id)).id;
  },
  async driver(system: System, responderId: string): Promise<void> {
    drivers.set(system, await startDriver(system, server, responderId));
  },
  rtt(system: System, lane: LaneKind, count: number): Promise<RttResult> {
    return driverOf(system).rtt(lane, count);
  },
  bulk(system: System, bytes: number): Promise<number> {
    return driverOf(system).bulk(bytes);
  },
};

function driverOf(system: System): Driver {
  const driver = drivers.get(system);
  if (driver === undefined) throw new Error(`no ${system} driver in this page`);
  return driver;
}

(globalThis as unknown as { beckonBench: typeof api }).beckonBench = api;
