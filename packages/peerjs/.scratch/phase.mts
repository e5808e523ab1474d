import { installNodeWebRTC, cleanupNodeWebRTC } from '/work/main/packages/peerjs/src/node.ts';
import { startServer } from '/work/main/packages/cli/src/serve/server.ts';
installNodeWebRTC();
const server = await startServer({});
const m = await import('peerjs') as any; const Peer = m.Peer ?? m.default.Peer;
const o = { host: '127.0.0.1', port: server.port, path: server.path, secure: false, config: { iceServers: [] } };
for (let round = 0; round < 30; round++) {
  const a = new Peer('a' + round, o), b = new Peer('b' + round, o);
  await Promise.all([new Promise((r) => a.on('open', r)), new Promise((r) => b.on('open', r))]);
  const t0 = performance.now();
  const ts = () => (performance.now() - t0).toFixed(1);
  const log: string[] = [];
  const watch = (tag: string, pc: RTCPeerConnection) => {
    pc.addEventListener('connectionstatechange', () => log.push(`${ts()} ${tag} pc ${pc.connectionState}`));
    pc.addEventListener('iceconnectionstatechange', () => log.push(`${ts()} ${tag} ice ${pc.iceConnectionState}`));
    pc.addEventListener('icecandidate', (e: any) => log.push(`${ts()} ${tag} local cand ${e.candidate?.candidate}`));
    const add = pc.addIceCandidate.bind(pc);
    pc.addIceCandidate = (c: any) => { log.push(`${ts()} ${tag} remote cand`); return add(c); };
    const srd = pc.setRemoteDescription.bind(pc);
    pc.setRemoteDescription = (d: any) => { log.push(`${ts()} ${tag} setRemote ${d.type}`); return srd(d); };
  };
  b.on('connection', (c: any) => { watch('B', c.peerConnection); c.on('open', () => log.push(`${ts()} B open`)); });
  const c = a.connect('b' + round, { serialization: 'raw', reliable: true });
  watch('A', c.peerConnection);
  await Promise.race([new Promise((r) => c.on("open", r)), new Promise((r) => setTimeout(r, 3000))]);
  log.push(`${ts()} A open`);
  if (Number(log.at(-1)?.split(" ")[0]) > 1000) console.log(log.join("\n")); else console.log("ok", log.at(-1));
  a.destroy(); b.destroy();
}
await server.close(); cleanupNodeWebRTC();
