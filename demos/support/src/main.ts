import { createHostCredentials, formatInvite, hostRoom, isBeckonError, joinRoom, loadIdentity, randomId, trustAvailable } from '@beckon/core';
import type { ConnectionState, HostRoom, MemberRoom, MessageInit, Participant } from '@beckon/core';
import { createPeerJsTransport } from '@beckon/peerjs';
import type { PeerJsTransport } from '@beckon/peerjs';
import { appendToLog, byId, h } from './dom.ts';
import { ColorBook } from './format.ts';
import { watchAgent } from './agent-presence.ts';
import { wireChat } from './chat.ts';
import type { Presence } from './agent-presence.ts';
import { wireFileSharing } from './file-sharing.ts';
import { supportRateLimit } from './file-stream.ts';
import { deviceId } from './same-device.ts';
import { ControlAnswer, ControlRequest, ControlState, CursorMoved, Highlight, messageTypes, SystemInfo } from './gen/support.ts';
import { showLinkProblem } from './link-problem.ts';
import { joinFailure, newLinkRequest } from './plain-errors.ts';
import { inviteLink, readHash, signallingOptions } from './signalling.ts';
import type { RoomTicket } from './signalling.ts';
import { Stage } from './stage.ts';
import { collectSystemInfo } from './system-info.ts';
import { logActivity, renderPeople, systemCard } from './views.ts';
import type { ActivityKind } from './views.ts';

type Room = HostRoom | MemberRoom;

declare global {
  interface Window {
    /** The live room and transport, for debugging in the console and for the end-to-end test. */
    __beckon?: { readonly room: Room; readonly transport: PeerJsTransport };
  }
}

const agentName = 'Support agent';
/** How long the agent keeps control granted by a customer who dropped out, waiting for a rejoin. */
const controlGraceMs = 15_000;
const connection = byId('connection');
const connectionText = byId('connection-text');
const activity = byId('activity');

function log(kind: ActivityKind, text: string): void {
  logActivity(activity, kind, text);
}

function setConnection(state: ConnectionState | 'error', text: string): void {
  connection.dataset['state'] = state;
  connectionText.textContent = text;
}

function showRole(role: 'host' | 'member'): void {
  const badge = byId('role-badge');
  badge.hidden = false;
  badge.textContent = role === 'host' ? 'Agent' : 'Customer';
  document.body.dataset['role'] = role;
}

async function main(): Promise<void> {
  const request = readHash(location.hash);
  if (request.kind === 'broken') {
    setConnection('error', 'Not connected · the link is damaged');
    showLinkProblem(() => {
      showRole('host');
      startAgent().catch(failedToStart);
    });
    return;
  }
  showRole(request.kind === 'agent' ? 'host' : 'member');
  if (request.kind === 'agent') await startAgent();
  else await startCustomer(request.ticket);
}

async function startAgent(): Promise<void> {
  setConnection('connecting', 'Registering with the signalling server…');
  // The room's keys make the invite: only its holders get in, and they can tell this page from an impostor.
  // WebCrypto needs a secure context (https or localhost); elsewhere the room runs with a plain link.
  const id = `support-${randomId(16)}`;
  const credentials = trustAvailable() ? await createHostCredentials(id) : undefined;
  const transport = await connectTransport(id);
  const room = hostRoom({
    transport,
    types: messageTypes,
    name: agentName,
    room: 'support',
    rateLimit: supportRateLimit,
    ...(credentials ? { credentials } : {}),
  });
  window.__beckon = { room, transport };
  const link = inviteLink(location, credentials ? formatInvite(credentials.invite) : transport.localId);
  if (!credentials) log('warn', 'This page is not a secure context: the invite carries no keys');
  const input = byId<HTMLInputElement>('invite-link');
  input.value = link;
  byId<HTMLAnchorElement>('invite-open').href = link;
  byId('invite').hidden = false;
  byId('copy-invite').addEventListener('click', () => {
    input.select();
    void navigator.clipboard?.writeText(link).then(
      () => log('good', 'Invite link copied'),
      () => log('warn', 'Copy failed: select the link and copy it by hand'),
    );
  });
  byId('workspace').hidden = false;
  wireRoom(room, transport);
  // Closing the sessions on the way out tells customers at once, rather than after their heartbeats time out.
  addEventListener('pagehide', () => void room.close());
  log('good', `Room open. Peer id ${transport.localId}`);
}

async function startCustomer(ticket: RoomTicket): Promise<void> {
  const hostPeerId = ticket.host;
  const nameKey = `support:name:${hostPeerId}`;
  const form = byId<HTMLFormElement>('join-form');
  const nameInput = byId<HTMLInputElement>('join-name');
  const button = byId<HTMLButtonElement>('join-button');
  const error = byId('join-error');
  const ask = byId<HTMLAnchorElement>('join-ask');
  ask.href = newLinkRequest();
  setConnection('idle', 'Not connected');
  byId('join-screen').hidden = false;
  nameInput.value = sessionStorage.getItem(nameKey) ?? '';
  nameInput.focus();

  const join = async (): Promise<void> => {
    const name = nameInput.value.trim();
    if (name === '') return;
    button.disabled = true;
    error.textContent = '';
    setConnection('connecting', 'Connecting to your agent…');
    try {
      const transport = await connectTransport();
      const room = await joinRoom(
        {
          transport,
          hostId: hostPeerId,
          name,
          identity: loadIdentity(sessionStorage, hostPeerId),
          metadata: { device: deviceId(localStorage, () => randomId(12)) },
          joinTimeoutMs: 15_000,
          ...(ticket.invite ? { invite: ticket.invite } : {}),
        },
        (joining) => {
          window.__beckon = { room: joining, transport };
          wireRoom(joining, transport, hostPeerId);
        },
      );
      sessionStorage.setItem(nameKey, name);
      byId('join-screen').hidden = true;
      byId('workspace').hidden = false;
      room.send(SystemInfo, ownSystemInfo());
      log('good', 'Joined the session');
    } catch (cause) {
      button.disabled = false;
      error.textContent = joinFailure(cause);
      ask.hidden = false;
      // The details are for whoever debugs it; the customer reads the sentence above.
      log('error', `Join failed: ${cause instanceof Error ? cause.message : String(cause)}`);
      setConnection('error', 'Not connected');
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void join();
  });
  // A reload rejoins as the same participant without asking for the name again.
  if (nameInput.value !== '') void join();
}

async function connectTransport(id?: string): Promise<PeerJsTransport> {
  try {
    return await createPeerJsTransport({ ...signallingOptions(location), ...(id === undefined ? {} : { id }) });
  } catch (cause) {
    setConnection('error', 'Signalling server unreachable');
    throw cause;
  }
}

function ownSystemInfo(): MessageInit<SystemInfo> {
  return collectSystemInfo(navigator as Navigator & { deviceMemory?: number }, screen, devicePixelRatio, Intl.DateTimeFormat().resolvedOptions().timeZone);
}

/** Everything both roles share: views bound to room events, and local input bound to sends. */
function wireRoom(room: Room, transport: PeerJsTransport, hostPeerId = ''): void {
  const self = (): Participant => room.participant(room.selfId) ?? { id: room.selfId, name: 'You', role: room.isHost ? 'host' : 'member', joinedAt: 0, metadata: {} };
  const nameOf = (id: string): string => room.participant(id)?.name ?? 'Someone';
  /** Lane events may name a transport id before the participant is known: the agent's, or a customer still joining. */
  const peerName = (id: string): string => room.participant(id)?.name ?? (room.isHost ? 'a joining customer' : 'the agent');
  const colors = new ColorBook();
  // Syncing on every lookup keeps colours current whichever view asks first; the list is a handful of people.
  const colorOf = (id: string): string => {
    colors.sync(room.participants);
    return colors.get(id);
  };
  const rtt = new Map<string, number>();
  const systems = new Map<string, SystemInfo>();
  let control: ControlState = { holder: '', grantedBy: '' };
  let requested = new Set<string>();
  // Customers only: whether the agent is still there (the agent's page sees its customers leave as room events).
  let agentPresence = (): Presence => 'here';

  /** Sends, reporting a refused send in the activity log instead of throwing into an event handler. */
  const trySend = (send: () => void): void => {
    try {
      send();
    } catch (error) {
      log('error', isBeckonError(error) ? error.message : String(error));
    }
  };

  // Participants and RTT.
  const people = byId('people');
  const peopleCount = byId('people-count');
  const renderParticipants = (): void => {
    renderPeople(people, peopleCount, room.participants, {
      selfId: room.selfId,
      colorOf,
      rtt,
      rttNote: 'via agent',
      presence: (participant) => (room.isHost || participant.role !== 'host' ? 'here' : agentPresence()),
      actions: (participant) => (room.isHost && participant.role === 'member' ? controlButton(participant) : undefined),
    });
    byId('stage-empty').hidden = room.participants.length > 1;
  };
  const controlButton = (participant: Participant): HTMLElement => {
    const holding = control.holder === room.selfId && control.grantedBy === participant.id;
    const button = h('button', { type: 'button', class: 'small-button' }, holding ? 'Release control' : requested.has(participant.id) ? 'Asked…' : 'Request control');
    button.setAttribute('aria-label', `${holding ? 'Release control of' : 'Request control from'} ${participant.name}`);
    if (requested.has(participant.id)) button.setAttribute('disabled', '');
    button.addEventListener('click', () => {
      const host = room as HostRoom;
      if (holding) {
        setControl({ holder: '', grantedBy: '' });
        return;
      }
      requested.add(participant.id);
      trySend(() => host.send(ControlRequest, {}, { to: participant.id }));
      log('info', `Asked ${participant.name} for control`);
      renderParticipants();
    });
    return button;
  };
  room.on('participants', renderParticipants);
  room.on('rtt', ({ peer, rttMs }) => {
    const previous = rtt.get(peer);
    rtt.set(peer, rttMs);
    // Heartbeats come once a second; redraw only when the number visibly changes.
    if (previous === undefined || Math.abs(previous - rttMs) >= 0.1) renderParticipants();
  });

  // Connection state and errors.
  const describeState = (state: ConnectionState): string => {
    if (room.isHost) {
      const others = room.participants.length - 1;
      return state === 'open' ? (others === 0 ? 'Room open · waiting for the customer' : `Live · ${others} connected`) : state;
    }
    const texts: Record<ConnectionState, string> = {
      idle: 'Not connected',
      connecting: 'Connecting to your agent…',
      open: `Connected to ${nameOf(room.hostId)}`,
      reconnecting: 'Disconnected · reconnecting…',
      closed: 'Disconnected',
    };
    return agentPresence() === 'left' ? 'Disconnected · the agent left the session' : texts[state];
  };
  const showState = (): void => setConnection(agentPresence() === 'left' ? 'closed' : room.state, describeState(room.state));
  room.on('state', (state) => {
    showState();
    log(state === 'open' ? 'good' : state === 'reconnecting' || state === 'closed' ? 'warn' : 'info', `Connection ${state}`);
  });
  room.on('participants', showState);
  room.on('error', (error) => log('error', `${error.code}: ${error.message}`));
  // Lanes open together: one line per peer, naming them all.
  const opening = new Map<string, Set<string>>();
  room.on('lane-open', ({ peer, lane }) => {
    let lanes = opening.get(peer);
    if (!lanes) {
      lanes = new Set();
      opening.set(peer, lanes);
      setTimeout(() => {
        opening.delete(peer);
        log('info', `Lanes open to ${peerName(peer)}: ${[...lanes!].join(', ')}`);
      }, 0);
    }
    lanes.add(lane);
  });
  room.on('lane-close', ({ peer, lane }) => log('warn', `${lane} lane to ${peerName(peer)} closed`));
  room.on('lane-error', ({ peer, lane, error }) => log('error', `${lane} lane to ${peerName(peer)}: ${error.message}`));
  transport.peer.on('disconnected', () => log('warn', 'Lost the signalling server (open sessions continue)'));

  // Shared area: cursors on the unreliable lane, highlights on the reliable one.
  const stage = new Stage(
    byId('stage'),
    {
      onMove: (x, y, inside) => {
        if (room.state === 'open') trySend(() => room.send(CursorMoved, { x, y, inside }));
      },
      onHighlight: (x, y) => {
        stage.pulse(x, y, colorOf(room.selfId), 'You');
        if (room.state === 'open') trySend(() => room.send(Highlight, { x, y }));
      },
    },
    'You',
    colorOf(room.selfId),
  );
  room.on('participants', () => stage.setOwnColor(colorOf(room.selfId)));
  room.on(CursorMoved, (cursor, meta) => stage.setCursor(meta.from, nameOf(meta.from), colorOf(meta.from), cursor.x, cursor.y, cursor.inside));
  room.on(Highlight, (point, meta) => stage.pulse(point.x, point.y, colorOf(meta.from), nameOf(meta.from)));

  // System information: sent on join (by the customer), and to each newcomer by everyone already here.
  const systemCards = byId('system-cards');
  const renderSystems = (): void => {
    const cards = [...systems].flatMap(([id, info]) => {
      const participant = room.participant(id);
      return participant ? [systemCard(participant, colorOf(id), info, id === room.selfId)] : [];
    });
    systemCards.replaceChildren(...(cards.length > 0 ? cards : [h('p', { class: 'muted' }, 'Appears when someone joins.')]));
  };
  systems.set(room.selfId, SystemInfo.decode(SystemInfo.encode(ownSystemInfo())));
  room.on(SystemInfo, (info, meta) => {
    systems.set(meta.from, info);
    renderSystems();
  });
  room.on('participants', renderSystems);
  room.on('join', ({ participant, rejoined }) => {
    log('good', `${participant.name} ${rejoined ? 'rejoined' : 'joined'}`);
    if (participant.id !== room.selfId && room.state === 'open') trySend(() => room.send(SystemInfo, ownSystemInfo(), { to: participant.id }));
  });
  room.on('leave', ({ participant, reason }) => {
    log('warn', `${participant.name} left (${reason})`);
    systems.delete(participant.id);
    stage.removeCursor(participant.id);
    transfers.abandon(participant.id);
    requested.delete(participant.id);
    // A reload looks like a leave followed by a rejoin: control survives a short absence, not a departure.
    if (room.isHost && control.grantedBy === participant.id) {
      setTimeout(() => {
        if (control.grantedBy === participant.id && room.participant(participant.id) === undefined) setControl({ holder: '', grantedBy: '' });
      }, controlGraceMs);
    }
    renderSystems();
  });

  wireChat(room, { self, nameOf, colorOf, trySend });

  const transfers = wireFileSharing(room, { nameOf, log: (text) => log('info', text) });
  if (!room.isHost) {
    const member = room as MemberRoom;
    agentPresence = watchAgent(member, transport, hostPeerId, (presence) => {
      if (presence === 'away') transfers.pause(member.hostId, 'Paused · the connection to the agent dropped, reconnecting…');
      if (presence === 'left') {
        transfers.abandon(member.hostId, 'Failed: the agent left the session before the file arrived');
        transfers.failOutgoing('the agent left the session');
        log('warn', 'The agent left the session. Ask them for a new link to continue.');
        byId<HTMLAnchorElement>('session-ended-ask').href = newLinkRequest();
      }
      // Shown where the invite card would be, at the top, so it is the first thing seen; it goes if the agent is back.
      byId('session-ended').hidden = presence !== 'left';
      renderParticipants();
      showState();
    });
  }

  // Control: the agent asks (an event to one customer), the customer answers (an action), the agent decides (a retained event).
  const chip = byId('control-chip');
  const applyControl = (state: ControlState): void => {
    control = state;
    chip.hidden = state.holder === '';
    chip.textContent = state.holder === '' ? '' : `${nameOf(state.holder)} has control`;
    stage.setController(state.holder);
    renderParticipants();
  };
  const setControl = (state: ControlState): void => {
    trySend(() => (room as HostRoom).send(ControlState, state, { retain: 'control' }));
    applyControl(state);
    log('info', state.holder === '' ? 'Control released' : `You have control, granted by ${nameOf(state.grantedBy)}`);
  };
  room.on(ControlState, applyControl);
  room.on(ControlAnswer, (answer, meta) => {
    requested.delete(meta.from);
    if (answer.granted) setControl({ holder: room.selfId, grantedBy: meta.from });
    else {
      log('warn', `${nameOf(meta.from)} declined the control request`);
      renderParticipants();
    }
  });
  const prompt = byId('control-prompt');
  room.on(ControlRequest, (_request, meta) => {
    byId('control-prompt-text').textContent = `${nameOf(meta.from)} asks to take control of this session.`;
    prompt.hidden = false;
    byId('control-allow').focus();
  });
  const answer = (granted: boolean): void => {
    prompt.hidden = true;
    trySend(() => room.send(ControlAnswer, { granted }));
  };
  byId('control-allow').addEventListener('click', () => answer(true));
  byId('control-deny').addEventListener('click', () => answer(false));

  requested = new Set();
  renderParticipants();
  renderSystems();
  showState();
}

function failedToStart(error: unknown): void {
  log('error', error instanceof Error ? error.message : String(error));
  appendToLog(activity, h('li', { class: 'activity-entry error' }, 'The session could not start. Reload to try again.'));
}

main().catch(failedToStart);
