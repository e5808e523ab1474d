import { formatInvite, hostRoom, isBeckonError, joinRoom, loadIdentity, randomId } from '@beckon/core';
import type { ConnectionState, HostCredentials, HostRoom, MemberRoom, Participant, Transport } from '@beckon/core';
import { createRoomMedia, mediaMessageTypes, mediaMetadata } from '@beckon/media';
import type { MediaPeerLike, RoomMedia } from '@beckon/media';
import { html, LitElement, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { openIdbStorage } from '../../persistence/idb-storage.ts';
import { Classroom, classroomTypes } from '../../session/classroom.ts';
import type { BlockedMessage } from '../../session/classroom.ts';
import { describeBlocked, describeJoinError, readTicket } from './invite.ts';
import type { Ticket } from './invite.ts';
import { BeckonConnectionChangeEvent, BeckonErrorEvent, BeckonParticipantsChangeEvent, BeckonReadyEvent } from '../shared/events.ts';
import { theme } from '../shared/theme.ts';
import { parseIceServers, resolveSignalling } from './signalling.ts';
import type { SignallingConfig } from './signalling.ts';
import { renderEntry } from './entry.ts';
import { styles } from './room.styles.ts';
import { keepStageAsHost, keepStageAsStudent } from './stage.ts';
import { forgetStaleClass, hasClassToResume, hostCredentials, hostPeerId, readIdentities } from './teacher-store.ts';
import type { KeyValueStore } from './teacher-store.ts';

/** Makes the transport the room runs on; `id` is the PeerJS id to register (the teacher's), or undefined. */
export type TransportFactory = (id?: string) => Promise<Transport>;


/**
 * Hosts or joins a classroom. The teacher opens the page plainly and hosts; students open the invite link
 * (`#join=<invite>`: the teacher's id, the room secret and the teacher's public key, in the fragment so no server
 * sees it), enter their name and join. Only holders of the invite get in, and a peer that takes the teacher's id
 * cannot pass for the teacher. The teacher's keys, id and classroom state are kept in IndexedDB, so a reload (or a
 * reopened tab) resumes the class with the same link, and students reconnect by themselves.
 * Widgets inside it (or pointing at it with `room="<id>"`) use its connection.
 *
 * @summary The classroom connection: hosts on the teacher's page, joins on students' pages.
 * @tag beckon-room
 * @slot - The lesson and its widgets.
 * @slot header - Shown at the start of the room's bar (a logo, the lesson title).
 * @event beckon-ready - The classroom is connected and ready (`event.classroom`).
 * @event beckon-connection-change - The connection state changed (`event.state`).
 * @event beckon-participants-change - Someone joined or left (`event.participants`).
 * @event beckon-error - Hosting or joining failed (`event.message`).
 * @csspart bar - The strip with the connection state and the invite link.
 * @csspart status - The connection state pill.
 * @csspart invite - The invite link and its copy button (teacher).
 * @csspart join-form - The name form students fill in to join.
 * @csspart entry - Opened without an invite: the choice between starting a class and joining with a link.
 * @csspart blocked - Teacher: the notice of members' messages the room refused (forged teacher actions, floods).
 * @cssproperty --beckon-accent - Accent colour of every Beckon element.
 * @cssproperty --beckon-surface - Background of cards.
 * @cssproperty --beckon-text - Text colour.
 * @cssproperty --beckon-radius - Corner radius of cards.
 */
export class BeckonRoom extends LitElement {
  static override styles = [theme, styles];

  /** Room name: keys the teacher's saved state and shows in the welcome. */
  @property({ attribute: 'room-name' }) roomName = 'classroom';
  /** `auto` (host unless the URL carries an invite), `host`, or `join`. */
  @property() mode: 'auto' | 'host' | 'join' = 'auto';
  /** The teacher's display name. */
  @property({ attribute: 'teacher-name' }) teacherName = 'Teacher';
  /**
   * The signalling server (`beckon serve`): a URL such as `https://signal.example.org/peerjs` (a `?key=` names a
   * PeerServer key), or as a property the parts `{ host, port, path, secure, key }`. Default: the page's own origin.
   */
  @property({ attribute: 'signalling' }) signalling: SignallingConfig = '';
  /** Where the signalling server is mounted, when `signalling` gives none (or is the page's own origin). */
  @property({ attribute: 'signalling-path' }) signallingPath = '/peerjs';
  /**
   * STUN and TURN servers, as JSON (`[{"urls":"turn:turn.example.org:3478","username":"u","credential":"p"}]`) or, as
   * a property, an array. Default none: peers on one network connect directly; across NATs they need these.
   */
  @property({ attribute: 'ice-servers' }) iceServers: string | readonly RTCIceServer[] = '';
  /** `relay` sends all traffic through the TURN servers, hiding participants' addresses from each other. */
  @property({ attribute: 'ice-transport-policy' }) iceTransportPolicy: RTCIceTransportPolicy = 'all';
  /** The teacher's peer id to join, for rooms without keys (default: from the `#join=` link). */
  @property({ attribute: 'host-id' }) hostId = '';
  /** The invite to join with (`formatInvite`), instead of the `#join=` link. Property only: it is a secret. */
  invite = '';
  /** Teacher: a stored class is resumed if the page comes back within this many hours; after that a new class starts. */
  @property({ type: Number, attribute: 'resume-hours' }) resumeHours = 12;
  /**
   * Live video: the teacher's camera reaches every student, and a student the teacher calls on is invited on stage
   * (the student accepts) until the teacher is done. `<beckon-video-grid>` and `<beckon-media-controls>` inside the
   * room are wired to it.
   */
  @property({ type: Boolean, reflect: true }) video = false;
  /** Hide the built-in bar (state, invite link); the page shows them itself from the properties. */
  @property({ type: Boolean, reflect: true, attribute: 'hide-bar' }) hideBar = false;
  /** Makes the transport. Property only; defaults to PeerJS on the page's own origin. */
  transportFactory: TransportFactory | undefined;
  /**
   * Where names, identities, the teacher's keys and state survive reloads. Property only. Default: IndexedDB for
   * the teacher (falling back to sessionStorage), sessionStorage for students (one identity per tab).
   */
  storage: KeyValueStore | undefined;

  @state() private connection: ConnectionState = 'idle';
  @state() private error = '';
  @state() private pendingName = '';
  @state() private joining = false;
  @state() private copied = false;
  @state() private blocked: { readonly last: BlockedMessage; readonly count: number } | undefined;
  /** No invite and no class of ours to resume: the page asks whether to start a class or join one. */
  @state() private choosing = false;
  @state() private pastedLink = '';
  /** Set once the person chose to start a class from the entry screen. */
  #chosenHost = false;
  readonly #onPageHide = (): void => this.#classroom?.flush();
  #classroom: Classroom | undefined;
  #media: RoomMedia | undefined;
  #room: HostRoom | MemberRoom | undefined;
  #credentials: HostCredentials | undefined;
  #teacherStore: KeyValueStore | undefined;
  #releaseLock: (() => void) | undefined;
  #started = false;

  /** The classroom API (undefined until connected). */
  get classroom(): Classroom | undefined {
    return this.#classroom;
  }

  /** Live video of the room (with the `video` attribute; undefined until connected). */
  get media(): RoomMedia | undefined {
    return this.#media;
  }

  get state(): ConnectionState {
    return this.connection;
  }

  get participants(): readonly Participant[] {
    return this.#room?.participants ?? [];
  }

  get isTeacher(): boolean {
    return this.#role() === 'host';
  }

  /** The link students open to join (teacher only, once hosting). */
  get inviteLink(): string {
    const room = this.#room;
    if (!room?.isHost) return '';
    const url = new URL(location.href);
    url.hash = `join=${this.#credentials ? formatInvite(this.#credentials.invite) : encodeURIComponent(room.transport.localId)}`;
    return url.toString();
  }

  /** Whether the invite carries the room's keys (false where WebCrypto is unavailable: plain http off localhost). */
  get keyed(): boolean {
    return this.#credentials !== undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The teacher's pending changes are saved before the page goes away (saves after members' changes are debounced).
    addEventListener('pagehide', this.#onPageHide);
    if (this.#started) return;
    this.#started = true;
    // Let the page set properties (transportFactory, storage) before connecting.
    queueMicrotask(() => void this.#start());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('pagehide', this.#onPageHide);
  }

  /** Leaves (students) or closes (teacher) the room. */
  async close(): Promise<void> {
    const room = this.#room;
    this.#room = undefined;
    this.#classroom?.dispose();
    this.#classroom = undefined;
    this.#media?.close();
    this.#media = undefined;
    if (room?.isHost) await room.close();
    else await room?.leave();
    this.#releaseLock?.();
    this.#releaseLock = undefined;
  }

  /** Joins with this name (what the built-in form does). */
  async join(name: string): Promise<void> {
    const clean = name.trim().slice(0, 64);
    const ticket = this.#ticket();
    if (clean === '' || this.joining || !ticket || 'error' in ticket) return;
    this.joining = true;
    this.error = '';
    const { host, invite } = ticket;
    try {
      // A link that fails for a passing reason (a connection closed while the whole class joins at once) is tried
      // again quietly; only what the student can act on reaches the form.
      for (let attempt = 1; ; attempt++) {
        try {
          const transport = await this.#transport();
          const room = await joinRoom(
            {
              transport,
              hostId: host,
              name: clean,
              identity: loadIdentity(this.#studentStore, host),
              types: this.#types(),
              ...(this.video ? { metadata: mediaMetadata(transport) } : {}),
              joinTimeoutMs: 15_000,
              ...(invite ? { invite } : {}),
            },
            (r) => this.#use(r),
          );
          this.#studentStore.setItem(this.#key(`name:${host}`), clean);
          this.#announce(room);
          return;
        } catch (error) {
          // The failed room gives its transport (and its signalling id) back.
          this.#dropFailedRoom();
          if (attempt >= joinAttempts || !isPassingFailure(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 400 * attempt));
        }
      }
    } catch (error) {
      this.#fail(describeJoinError(error));
    } finally {
      this.joining = false;
    }
  }

  #dropFailedRoom(): void {
    const failed = this.#room;
    this.#classroom?.dispose();
    this.#classroom = undefined;
    this.#media?.close();
    this.#media = undefined;
    this.#room = undefined;
    if (failed && !failed.isHost) void failed.leave().catch(() => {});
  }

  #role(): 'host' | 'join' {
    if (this.mode !== 'auto') return this.mode;
    if (this.#ticket() !== undefined) return 'join';
    return this.#chosenHost || !this.choosing ? 'host' : 'join';
  }

  /** Entry screen: this person is the teacher. */
  startClass(): void {
    this.#chosenHost = true;
    this.choosing = false;
    this.error = '';
    void this.#host();
  }

  /** Entry screen: a student pasted the invite link their teacher sent. */
  useInviteLink(link: string): void {
    let value: string | null = null;
    try {
      value = new URLSearchParams(new URL(link.trim(), location.href).hash.replace(/^#/, '')).get('join');
    } catch {
      value = null;
    }
    const ticket = value === null ? undefined : readTicket(value);
    if (!ticket || 'error' in ticket) {
      this.#fail(ticket && 'error' in ticket ? ticket.error : 'That is not an invite link. Ask your teacher for the link to the class; it contains "#join=".');
      return;
    }
    this.error = '';
    // In the address bar too, so a reload rejoins.
    history.replaceState(history.state, '', `#join=${value}`);
    this.choosing = false;
    this.requestUpdate();
  }

  /** Where to join: the `invite` property, `host-id`, or the `#join=` link; undefined when there is none. */
  #ticket(): Ticket | undefined {
    if (this.invite) return readTicket(this.invite);
    if (this.hostId) return readTicket(this.hostId);
    const value = new URLSearchParams(location.hash.replace(/^#/, '')).get('join');
    return value === null ? undefined : readTicket(value);
  }

  get #studentStore(): KeyValueStore {
    return this.storage ?? sessionStorage;
  }

  /** The teacher's store: IndexedDB, so the class outlives the tab; sessionStorage where IndexedDB is unavailable. */
  async #openTeacherStore(): Promise<KeyValueStore> {
    if (this.storage) return this.storage;
    try {
      return await openIdbStorage();
    } catch {
      return sessionStorage;
    }
  }

  /**
   * One tab per class: the stored state and the teacher's id are shared by the browser's tabs, and two tabs hosting
   * the same room would fight over its id. Held until `close()` or the tab goes away.
   */
  async #claimClass(): Promise<boolean> {
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    if (this.storage || !locks) return true;
    return new Promise<boolean>((claimed) => {
      void locks.request(this.#key('host'), { ifAvailable: true }, (lock) => {
        claimed(lock !== null);
        if (lock === null) return undefined;
        return new Promise<void>((release) => (this.#releaseLock = release));
      });
    });
  }

  #key(suffix: string): string {
    return `beckon:classroom:${this.roomName}:${suffix}`;
  }

  async #transport(id?: string): Promise<Transport> {
    if (this.transportFactory) return this.transportFactory(id);
    // Checked before loading PeerJS, so a typo in the page shows at once, in words.
    const server = resolveSignalling(this.signalling, this.signallingPath, location);
    const iceServers = parseIceServers(this.iceServers);
    const { createPeerJsTransport } = await import('@beckon/peerjs');
    return createPeerJsTransport({
      ...(id === undefined ? {} : { id }),
      ...server,
      iceServers,
      ...(this.iceTransportPolicy === 'relay' ? { iceTransportPolicy: 'relay' as const } : {}),
    });
  }

  async #start(): Promise<void> {
    if (this.mode === 'auto' && this.#ticket() === undefined && !hasClassToResume(await this.#openTeacherStore(), this.#key('state'), this.resumeHours)) {
      // Never silently make someone the teacher of an empty class: a student who lost the `#join=` part lands here too.
      this.choosing = true;
      return;
    }
    if (this.#role() === 'join') {
      const ticket = this.#ticket();
      if (ticket === undefined) return this.#fail('This invite link is not valid.');
      if ('error' in ticket) return this.#fail(ticket.error);
      // A reload rejoins at once under the name given before.
      const name = this.#studentStore.getItem(this.#key(`name:${ticket.host}`));
      if (name) await this.join(name);
      return;
    }
    await this.#host();
  }

  async #host(): Promise<void> {
    this.connection = 'connecting';
    try {
      const store = await this.#openTeacherStore();
      if (!(await this.#claimClass())) {
        return this.#fail('This class is already open in another tab or window of this browser. Switch to that tab, or close it and reload this one.');
      }
      forgetStaleClass(store, (part) => this.#key(part), this.resumeHours);
      this.#teacherStore = store;
      const transport = await this.#registerHost(hostPeerId(store, this.#key('host-peer')));
      // Keyed to the id the transport registered, which the invite names and members check the proofs against.
      this.#credentials = await hostCredentials(store, this.#key('credentials'), transport.localId);
      const participantKey = this.#key('teacher-id');
      const participantId = store.getItem(participantKey) ?? randomId(10);
      store.setItem(participantKey, participantId);
      const room = hostRoom({
        transport,
        types: this.#types(),
        name: this.teacherName,
        ...(this.video ? { metadata: mediaMetadata(transport) } : {}),
        room: this.roomName,
        participantId,
        // Who may rejoin as whom, so after a reload nobody can take a classmate's seat before they reconnect.
        identities: readIdentities(store.getItem(this.#key('identities'))),
        ...(this.#credentials ? { credentials: this.#credentials } : {}),
      });
      const saveIdentities = (): void => store.setItem(this.#key('identities'), JSON.stringify(room.identities()));
      room.on('join', saveIdentities);
      this.#use(room);
      this.#announce(room);
    } catch (error) {
      this.#fail(`Could not open the classroom: ${describe(error)}`);
    }
  }

  /** Registers the teacher's id; after a reload the server may still hold the old registration for a moment. */
  async #registerHost(id: string): Promise<Transport> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        return await this.#transport(id);
      } catch (error) {
        if (!(isBeckonError(error) && error.code === 'refused') || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  #types() {
    return this.video ? [...classroomTypes, ...mediaMessageTypes] : classroomTypes;
  }

  #use(room: HostRoom | MemberRoom): void {
    this.#room = room;
    const classroom = new Classroom(
      room,
      room.isHost ? { storage: this.#teacherStore!, storageKey: this.#key('state'), resumeWithinMs: this.resumeHours * 3600_000 } : {},
    );
    this.#classroom = classroom;
    // Created here, before a member's join completes, so the media roster replayed on join is seen.
    if (this.video) this.#useMedia(room, classroom);
    classroom.events.on('blocked', (last) => (this.blocked = { last, count: (this.blocked?.count ?? 0) + 1 }));
    room.on('state', (next) => {
      this.connection = next;
      this.dispatchEvent(new BeckonConnectionChangeEvent(next));
    });
    // Refused while reconnecting (a peer holding the teacher's id without the keys, say): say so, in words.
    if (!room.isHost) room.on('error', (error) => {
      if ((error.code === 'refused' || error.code === 'removed') && room === this.#room && !this.joining) this.#fail(describeJoinError(error));
    });
    room.on('participants', (participants) => {
      this.requestUpdate();
      this.dispatchEvent(new BeckonParticipantsChangeEvent(participants));
    });
  }

  #useMedia(room: HostRoom | MemberRoom, classroom: Classroom): void {
    this.#media?.close();
    const peer = (room.transport as { peer?: MediaPeerLike }).peer;
    const media = createRoomMedia({ room, mode: 'stage', ...(peer ? { peer } : {}) });
    this.#media = media;
    for (const element of this.querySelectorAll('beckon-video-grid, beckon-media-controls')) (element as HTMLElement & { media?: RoomMedia }).media = media;
    if (!room.isHost) {
      keepStageAsStudent(room.selfId, classroom, media, this.#studentStore, this.#key(`on-stage:${room.selfId}`));
      return;
    }
    keepStageAsHost(classroom, media);
  }

  #announce(room: HostRoom | MemberRoom): void {
    // Camera and microphone once connected; without them (or without permission) the class goes on with data only.
    void this.#media?.start();
    this.connection = room.state;
    this.dispatchEvent(new BeckonConnectionChangeEvent(room.state));
    this.dispatchEvent(new BeckonReadyEvent(this.#classroom!));
  }

  #fail(message: string): void {
    this.error = message;
    this.connection = this.#room?.state ?? 'closed';
    this.dispatchEvent(new BeckonErrorEvent(message));
  }

  async #copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.inviteLink);
    } catch {
      // No clipboard permission: the link is selected in its field for the teacher to copy.
      this.renderRoot.querySelector<HTMLInputElement>('#invite')?.select();
    }
    this.copied = true;
    setTimeout(() => (this.copied = false), 2000);
  }

  #statusText(): string {
    const students = this.participants.filter((p) => p.role !== 'host').length;
    const people = `${students} ${students === 1 ? 'student' : 'students'}`;
    switch (this.connection) {
      case 'open':
        return this.isTeacher ? `Live · ${people}` : `Connected · ${this.participants.find((p) => p.role === 'host')?.name ?? 'Teacher'}'s class`;
      case 'connecting':
        return this.isTeacher ? 'Opening the classroom…' : 'Joining…';
      case 'reconnecting':
        return 'Reconnecting…';
      case 'closed':
        return 'Disconnected';
      default:
        return this.isTeacher ? 'Not started' : 'Not joined';
    }
  }

  override render() {
    const teacher = this.isTeacher;
    const ticket = teacher ? undefined : this.#ticket();
    const needsName = !this.choosing && !teacher && this.#room === undefined && ticket !== undefined && !('error' in ticket);
    return html`
      <div part="bar" class="bar" role="region" aria-label="Class connection" ?hidden=${this.hideBar}>
        <slot name="header"></slot>
        <span part="status" class="status" data-state=${this.connection} role="status">
          <span class="dot" aria-hidden="true"></span>${this.#statusText()}
        </span>
        ${teacher && this.#room
          ? html`<div part="invite" class="invite">
              <label for="invite">Invite link</label>
              <input id="invite" readonly .value=${this.inviteLink} @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
              <button class="primary" @click=${() => void this.#copy()}>${this.copied ? 'Copied ✓' : 'Copy link'}</button>
            </div>`
          : nothing}
        ${teacher
          ? html`<span part="blocked" class="blocked" role="status" ?data-empty=${!this.blocked}>${this.blocked ? describeBlocked(this.blocked.last, this.blocked.count) : ''}</span>`
          : nothing}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.choosing
        ? renderEntry(this.pastedLink, (link) => (this.pastedLink = link), () => this.startClass(), () => this.useInviteLink(this.pastedLink))
        : nothing}
      ${needsName
        ? html`<form part="join-form" class="join card" aria-labelledby="join-title" @submit=${(e: SubmitEvent) => {
            e.preventDefault();
            void this.join(this.pendingName);
          }}>
            <h2 id="join-title">Join the class</h2>
            <p class="muted">Your teacher and classmates will see this name.</p>
            <label for="name">Your name</label>
            <div class="row">
              <input id="name" name="name" autocomplete="name" maxlength="64" required .value=${this.pendingName}
                @input=${(e: InputEvent) => (this.pendingName = (e.target as HTMLInputElement).value)} />
              <button class="primary" type="submit" ?disabled=${this.joining || this.pendingName.trim() === ''}>
                ${this.joining ? 'Joining…' : 'Join class'}
              </button>
            </div>
          </form>`
        : nothing}
      <slot></slot>
    `;
  }
}

const joinAttempts = 3;

/** A join failure worth one more quiet try: the link dropped or timed out, not a refusal. */
function isPassingFailure(error: unknown): boolean {
  // Not a refusal, nor a timeout (15 s each: the teacher's page is likely closed, and the student should hear so).
  if (isBeckonError(error, 'not-connected')) return true;
  if (isBeckonError(error, 'refused') || isBeckonError(error, 'removed') || isBeckonError(error, 'timeout')) return false;
  return /closed/i.test(error instanceof Error ? error.message : String(error));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

