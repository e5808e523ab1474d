// Runs the example against a fresh `beckon serve` on a free port: `pnpm --filter @beckon/demo-sensors start`.
import { startServer } from '@beckon/cli';
import { cleanupNodeWebRTC, installNodeWebRTC } from '@beckon/peerjs/node';
import { runExample } from './example.ts';

installNodeWebRTC();
const server = await startServer({ port: 0 });
try {
  const { hot, alerts, lanes } = await runExample(server, `lab-hub-${Date.now()}`);
  console.log(`hub saw ${hot} hot readings; the sensor received ${alerts.length} alerts`);
  for (const lane of lanes) console.log(`lane ${lane.label}: ordered=${lane.ordered} maxRetransmits=${lane.maxRetransmits} maxPacketLifeTime=${lane.maxPacketLifeTime}`);
} finally {
  await server.close();
  cleanupNodeWebRTC();
}
