// The app's own unit test, as its developer would write one: host and player over Beckon's in-memory transport from
// `@beckon/core/testing`, no network. Usage: node dist/unit.js — prints one JSON line.
import * as core from '@beckon/core';
import { hostRoom, joinRoom } from '@beckon/core';
import { LoopbackNetwork, memberSession } from '@beckon/core/testing';
import { Buzz, Team } from './gen/quiz.js';

const network = new LoopbackNetwork();
const host = hostRoom({ transport: network.transport('quiz-host'), name: 'Quizmaster', types: [Buzz] });
const players: string[] = [];
host.on(Buzz, (buzz: Buzz) => void players.push(buzz.player));
const player = await joinRoom({ transport: network.transport('ada'), hostId: 'quiz-host', name: 'Ada' });
const delivery = player.send(Buzz, { player: 'ada', team: Team.BLUE, tags: [] });
const settled = await delivery.settled;
const hasSession = memberSession(player) !== undefined;
await player.leave();
await host.close();
// The main entry keeps its internals to itself: the test helpers live only on the testing subpath.
const mainExports = ['LoopbackNetwork', 'PeerSession', 'signWelcome'].filter((name) => name in core);
console.log(JSON.stringify({ players, delivered: settled.ok, hasSession, mainExports }));
