import { hostRoom, isBeckonError, joinRoom, loadIdentity, randomId } from '@beckon/core';
import type { ConnectionState, HostRoom, MemberRoom, Participant, Transport } from '@beckon/core';
import { html, LitElement, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Classroom, classroomTypes } from '../../session/classroom.ts';
import { BeckonConnectionChangeEvent, BeckonErrorEvent, BeckonParticipantsChangeEvent, BeckonReadyEvent } from '../shared/events.ts';
import { theme } from '../shared/theme.ts';
import { styles } from './room.styles.ts';

/** Makes the transport the room runs on; `id` is the PeerJS id to register (the teacher's), or undefined. */
export type TransportFactory = (id?: string) => Promise<Transport>;

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Hosts or joins a classroom. The teacher opens the page plainly and hosts; students open the invite link
 * (`#join=<teacher's id>`), enter their name and join. Widgets inside it (or pointing at it with `room="<id>"`)
 * use its connection.
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
  /** Where the signalling server is mounted on the page's origin. */
  @property({ attribute: 'signalling-path' }) signallingPath = '/peerjs';
  /** The teacher's peer id to join (default: from the `#join=` link). */
  @property({ attribute: 'host-id' }) hostId = '';
  /** Hide the built-in bar (state, invite link); the page shows them itself from the properties. */
  @property({ type: Boolean, reflect: true, attribute: 'hide-bar' }) hideBar = false;
  /** Makes the transport. Property only; defaults to PeerJS on the page's own origin. */
  transportFactory: TransportFactory | undefined;
  /** Where names, identities and the teacher's state survive reloads. Property only. */
  storage: Storage | undefined;

  @state() private connection: ConnectionState = 'idle';
  @state() private error = '';
  @state() private pendingName = '';
  @state() private joining = false;
  @state() private copied = false;
  #classroom: Classroom | undefined;
  #room: HostRoom | MemberRoom | undefined;
  #started = false;

  /** The classroom API (undefined until connected). */
  get classroom(): Classroom | undefined {
    return this.#classroom;
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
    url.hash = `join=${encodeURIComponent(this.#hostPeerId())}`;
    return url.toString();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.#started) return;
    this.#started = true;
    // Let the page set properties (transportFactory, storage) before connecting.
    queueMicrotask(() => void this.#start());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
  }

  /** Leaves (students) or closes (teacher) the room. */
  async close(): Promise<void> {
    const room = this.#room;
    this.#room = undefined;
    this.#classroom?.dispose();
    this.#classroom = undefined;
    if (room?.isHost) await room.close();
    else await room?.leave();
  }

  /** Joins with this name (what the built-in form does). */
  async join(name: string): Promise<void> {
    const clean = name.trim().slice(0, 64);
    if (clean === '' || this.joining) return;
    this.joining = true;
    this.error = '';
    try {
      const hostId = this.#joinTarget()!;
      const transport = await this.#transport();
      const room = await joinRoom(
        { transport, hostId, name: clean, identity: loadIdentity(this.#storage, hostId), types: classroomTypes, joinTimeoutMs: 15_000 },
        (r) => this.#use(r),
      );
      this.#storage.setItem(this.#key(`name:${hostId}`), clean);
      this.#announce(room);
    } catch (error) {
      this.#fail(`Could not join the class: ${describe(error)}`);
    } finally {
      this.joining = false;
    }
  }

  #role(): 'host' | 'join' {
    if (this.mode !== 'auto') return this.mode;
    return this.#joinTarget() === undefined ? 'host' : 'join';
  }

  #joinTarget(): string | undefined {
    const id = this.hostId || new URLSearchParams(location.hash.replace(/^#/, '')).get('join') || '';
    return idPattern.test(id) ? id : undefined;
  }

  get #storage(): Storage {
    return this.storage ?? sessionStorage;
  }

  #key(suffix: string): string {
    return `beckon:classroom:${this.roomName}:${suffix}`;
  }

  /** The teacher's PeerJS id: kept for the tab's life, so a reload keeps the invite link valid. */
  #hostPeerId(): string {
    const key = this.#key('host-peer');
    let id = this.#storage.getItem(key);
    if (!id || !idPattern.test(id)) {
      id = `class-${randomId(10)}`;
      this.#storage.setItem(key, id);
    }
    return id;
  }

  async #transport(id?: string): Promise<Transport> {
    if (this.transportFactory) return this.transportFactory(id);
    const { createPeerJsTransport } = await import('@beckon/peerjs');
    const secure = location.protocol === 'https:';
    const port = location.port === '' ? (secure ? 443 : 80) : Number(location.port);
    return createPeerJsTransport({ ...(id === undefined ? {} : { id }), host: location.hostname, port, path: this.signallingPath, secure });
  }

  async #start(): Promise<void> {
    if (this.#role() === 'join') {
      const hostId = this.#joinTarget();
      if (hostId === undefined) return this.#fail('This invite link is not valid.');
      // A reload rejoins at once under the name given before.
      const name = this.#storage.getItem(this.#key(`name:${hostId}`));
      if (name) await this.join(name);
      return;
    }
    this.connection = 'connecting';
    try {
      const transport = await this.#registerHost();
      const participantKey = this.#key('teacher-id');
      const participantId = this.#storage.getItem(participantKey) ?? randomId(10);
      this.#storage.setItem(participantKey, participantId);
      const room = hostRoom({ transport, types: classroomTypes, name: this.teacherName, room: this.roomName, participantId });
      this.#use(room);
      this.#announce(room);
    } catch (error) {
      this.#fail(`Could not open the classroom: ${describe(error)}`);
    }
  }

  /** Registers the teacher's id; after a reload the server may still hold the old registration for a moment. */
  async #registerHost(): Promise<Transport> {
    const id = this.#hostPeerId();
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

  #use(room: HostRoom | MemberRoom): void {
    this.#room = room;
    this.#classroom = new Classroom(room, room.isHost ? { storage: this.#storage, storageKey: this.#key('state') } : {});
    room.on('state', (next) => {
      this.connection = next;
      this.dispatchEvent(new BeckonConnectionChangeEvent(next));
    });
    room.on('participants', (participants) => {
      this.requestUpdate();
      this.dispatchEvent(new BeckonParticipantsChangeEvent(participants));
    });
  }

  #announce(room: HostRoom | MemberRoom): void {
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
    const needsName = !teacher && this.#room === undefined && this.#joinTarget() !== undefined;
    return html`
      <div part="bar" class="bar" ?hidden=${this.hideBar}>
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
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${needsName
        ? html`<form part="join-form" class="join card" @submit=${(e: SubmitEvent) => {
            e.preventDefault();
            void this.join(this.pendingName);
          }}>
            <h2>Join the class</h2>
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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
