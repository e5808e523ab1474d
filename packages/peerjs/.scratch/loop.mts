import { initLogger } from 'node-datachannel'; initLogger('Error' as any, (level: any, msg: any) => console.log('RTC', level, msg));
import { installNodeWebRTC, cleanupNodeWebRTC } from '../src/node.ts';
import { createPeerJsTransport } from '../src/index.ts';
import { startServer } from '../../cli/src/serve/server.ts';
import { defaultLanes } from '../../core/src/lanes.ts';
installNodeWebRTC();
const server = await startServer({});
const opts = { host: '127.0.0.1', port: server.port, path: server.path };
let fails = 0; const times: number[] = [];
for (let i = 0; i < Number(process.argv[2] ?? 20); i++) {
  const a = await createPeerJsTransport({ ...opts, id: 'a' + i });
  const b = await createPeerJsTransport({ ...opts, id: 'b' + i });
  const log: string[] = []; const t0 = performance.now(); const ts = () => (performance.now() - t0).toFixed(1);
  const watch = (tag: string, c: any) => {
    const pc = c.peerConnection;
    pc.addEventListener('connectionstatechange', () => log.push(`${ts()} ${tag} pc ${pc.connectionState}`));
    pc.addEventListener('iceconnectionstatechange', () => log.push(`${ts()} ${tag} ice ${pc.iceConnectionState}`));
    c.on('open', () => log.push(`${ts()} ${tag} dc open`));
    c.on('close', () => log.push(`${ts()} ${tag} dc close`));
    c.on('error', (e: any) => log.push(`${ts()} ${tag} dc error ${e.type} ${e.message}`));
  };
  a.peer.on('error', (e: any) => log.push(`${ts()} A peer error ${e.type} ${e.message} ${e.stack} ${e.name} ${JSON.stringify(e)} ${String(e.cause)}`));
  b.peer.on('error', (e: any) => log.push(`${ts()} B peer error ${e.type} ${e.message}`));
  b.peer.on('connection', (c: any) => watch('B', c));
  const got = new Promise<any>((r) => b.listen({ lanes: defaultLanes }, r));
  const orig = a.peer.connect.bind(a.peer);
  (a.peer as any).connect = (...args: any[]) => { const c = orig(...args); watch('A', c); return c; };
  try {
    await a.connect('b' + i, { lanes: defaultLanes, timeoutMs: 3000 });
    await got;
    log.push(`${ts()} linked`); times.push(performance.now() - t0); if (i === 3) console.log(log.join("\n"));
  } catch (e: any) { fails++; log.push(`${ts()} FAIL ${e.code} ${e.message}`); console.log(log.join('\n')); console.log('---'); }
  await a.close(); await b.close();
}
times.sort((x, y) => x - y); console.log('fails', fails, 'p50', times[times.length >> 1]?.toFixed(1), 'max', times.at(-1)?.toFixed(1), 'over500', times.filter((t) => t > 500).length);
await server.close(); cleanupNodeWebRTC();
