// A fresh Node app on Beckon's published packages: a quiz host and one player over real WebRTC.
// Usage: node dist/main.js <signalling port> — prints one JSON line with what each side received.
import { hostRoom, joinRoom } from '@beckon/core';
import type { MessageMeta } from '@beckon/core';
import { createPeerJsTransport } from '@beckon/peerjs';
import { cleanupNodeWebRTC, installNodeWebRTC } from '@beckon/peerjs/node';
import { Buzz, Hover, Ruling, Team } from './gen/quiz.js';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error('usage: node dist/main.js <signalling port>');
const server = { host: '127.0.0.1', port, path: '/peerjs' } as const;

installNodeWebRTC();
const hostId = `quiz-host-${process.pid}`;
const host = hostRoom({ transport: await createPeerJsTransport({ ...server, id: hostId }), name: 'Quizmaster', types: [Buzz, Hover, Ruling] });
const buzzes: Buzz[] = [];
let hovers = 0;
host.on(Hover, () => void hovers++);
host.on(Buzz, (buzz: Buzz, meta: MessageMeta) => {
  buzzes.push(buzz);
  host.send(Ruling, { player: buzz.player, place: buzzes.length, scores: { red: buzzes.length, blue: 0 } }, { to: meta.from });
});

const rulings: Ruling[] = [];
const player = await joinRoom({ transport: await createPeerJsTransport(server), hostId, name: 'Ada' }, (room) =>
  room.on(Ruling, (ruling: Ruling) => void rulings.push(ruling)),
);
for (let i = 0; i < 20; i++) player.send(Hover, { player: 'ada', x: i / 20, y: 0.5 });
for (let i = 0; i < 3; i++) player.send(Buzz, { player: 'ada', team: Team.RED, tags: ['first', String(i)] });

const deadline = Date.now() + 10_000;
while (rulings.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
const hostParticipants = host.participants.map((participant) => participant.name).sort();
await player.leave();
await host.close();
cleanupNodeWebRTC();
console.log(JSON.stringify({ node: process.version, buzzes, hovers, rulings, hostParticipants }));
