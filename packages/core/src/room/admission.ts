import type { Frame } from '../codec.ts';
import { BeckonError } from '../errors.ts';
import { Challenge, Hello, Join, Role as RoleValue } from '../gen/control.ts';
import type { PeerSession, ReceivePolicy } from '../session/index.ts';
import { preJoinPolicy } from './policy.ts';
import { randomId } from '../ids.ts';
import { cleanMetadata, cleanText, isValidId } from '../text.ts';
import { checkInviteProof, joinNonce, signChallenge } from '../trust.ts';
import type { HostCredentials, JoinContext } from '../trust.ts';
import type { Known } from './roster.ts';
import { protocolVersion } from './types.ts';
import type { JoinRequest, Role } from './types.ts';

/** What admission needs to know of the host. */
export interface AdmissionContext {
  /** The host's participant id. */
  readonly selfId: string;
  /** The host's transport id. */
  readonly localId: string;
  readonly credentials: HostCredentials | undefined;
  readonly admit: ((request: JoinRequest) => true | string) | undefined;
  known(id: string): Known | undefined;
  /** Why a participant id or resume token is barred, if it is. */
  removal(id: string, token: string): string | undefined;
}

export type Admission =
  | {
      readonly ok: true;
      readonly request: JoinRequest;
      /** The participant's record when it has joined before. */
      readonly known: Known | undefined;
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * Decides whether a Join from transport peer `peer` may enter the room. The order matters: the invite proof first, so
 * a peer without the invite learns nothing (not which ids exist, not what the app would say) and costs the app
 * nothing; then the identity (id, removal, token); the app's `admit` last.
 */
export async function admitJoin(join: Join, peer: string, nonce: Uint8Array, context: AdmissionContext): Promise<Admission> {
  const refuse = (code: string, message: string): Admission => ({ ok: false, code, message });
  if (join.protocol !== protocolVersion) return refuse('protocol', `Protocol ${join.protocol} is not ${protocolVersion}`);
  const joinContext: JoinContext = { host: context.localId, member: peer, participantId: join.participantId, nonce };
  const credentials = context.credentials;
  if (credentials && !(await checkInviteProof(credentials.invite.secret, joinContext, join.proof))) {
    return refuse('invite-required', 'This peer does not hold a valid invite to the room');
  }
  // A bad id is refused, not replaced: the member would otherwise believe it is someone it is not.
  if (join.participantId !== '' && !isValidId(join.participantId)) return refuse('invalid-id', 'Participant ids are 1 to 64 of A-Z a-z 0-9 _ -, and not a reserved name');
  const id = join.participantId || randomId(10);
  if (id === context.selfId) return refuse('identity-taken', 'That participant id is the host');
  const removal = context.removal(id, join.resumeToken);
  if (removal !== undefined) return refuse('removed', `The host removed this participant (${removal})`);
  const known = context.known(id);
  if (known && known.token !== join.resumeToken) return refuse('identity-taken', `Participant ${id} is already someone else`);
  const role: Role = join.role === RoleValue.OBSERVER ? 'observer' : 'member';
  const request: JoinRequest = { participantId: id, name: cleanText(join.name, 64), role, metadata: cleanMetadata(join.metadata), peer };
  const verdict = context.admit?.(request) ?? true;
  if (verdict !== true) return refuse('not-admitted', verdict);
  return { ok: true, request, known };
}

/** How a link that has not joined yet may behave. */
export interface GateOptions {
  readonly credentials: HostCredentials | undefined;
  /** The host's transport id. */
  readonly localId: string;
  /** Refuses the link (telling it why) and closes it. */
  refuse(code: string, message: string): void;
  report(error: BeckonError): void;
  /** Decides on the Join, whose proof must cover `nonce`; resolves to the participant id, or undefined if refused. */
  join(join: Join, nonce: Uint8Array): Promise<string | undefined>;
  /** Called with the participant id once joined. */
  joined(id: string): void;
}

/** Bad frames a link may send before it has joined; then it is closed. */
export const maxFramesBeforeJoin = 4;
/** The close reason of a link that sent too many bad frames before joining. */
export const tooManyFramesBeforeJoin = 'too many frames before joining';

/**
 * The host's side of admission on one new link: Hello, then the host's Challenge (a fresh nonce, signed with the
 * room key together with the member's nonce), then Join, whose invite proof must cover both nonces. The host's nonce
 * is used once, so a Join recorded on one link (or earlier on this one) is refused. Anything else is a bad frame.
 */
export class AdmissionGate {
  readonly #session: PeerSession;
  readonly #options: GateOptions;
  #stage: 'hello' | 'signing' | 'join' | 'deciding' | 'done' = 'hello';
  #memberNonce = new Uint8Array(0);
  #hostNonce = new Uint8Array(0);
  #bad = 0;

  constructor(session: PeerSession, options: GateOptions) {
    this.#session = session;
    this.#options = options;
  }

  /** What the link may send until it has joined; too much of it closes the link. */
  receivePolicy(): ReceivePolicy {
    return preJoinPolicy(() => this.#badFrame(`Too much, too large, or chunked before the welcome from ${this.#session.peer}`));
  }

  receive(frame: Frame): void {
    if (this.#stage === 'hello' && frame.type === Hello.id) return void this.#hello(frame);
    if (this.#stage === 'join' && frame.type === Join.id) return void this.#join(frame);
    if (this.#stage === 'hello' && frame.type === Join.id) {
      return this.#options.refuse('protocol', `This host speaks protocol ${protocolVersion}: send Hello first`);
    }
    this.#badFrame(`Frame before the welcome from ${this.#session.peer}`);
  }

  #badFrame(message: string): void {
    this.#options.report(new BeckonError('policy-violation', message, { peer: this.#session.peer }));
    if (++this.#bad >= maxFramesBeforeJoin) this.#session.close(tooManyFramesBeforeJoin);
  }

  async #hello(frame: Frame): Promise<void> {
    let hello: Hello;
    try {
      hello = Hello.decode(frame.payload);
    } catch {
      return this.#badFrame(`Malformed Hello from ${this.#session.peer}`);
    }
    if (hello.protocol !== protocolVersion) return this.#options.refuse('protocol', `Protocol ${hello.protocol} is not ${protocolVersion}`);
    if (hello.nonce.length < 16 || hello.nonce.length > 64) return this.#badFrame(`Hello from ${this.#session.peer} has a ${hello.nonce.length}-byte nonce`);
    this.#stage = 'signing';
    this.#memberNonce = Uint8Array.from(hello.nonce);
    this.#hostNonce = crypto.getRandomValues(new Uint8Array(16));
    const credentials = this.#options.credentials;
    const context = { host: this.#options.localId, member: this.#session.peer, memberNonce: this.#memberNonce, hostNonce: this.#hostNonce };
    const signature = credentials ? await signChallenge(credentials.privateKey, context) : new Uint8Array(0);
    if (this.#session.closed) return;
    this.#stage = 'join';
    try {
      this.#session.send({ type: Challenge.id, payload: Challenge.encode({ protocol: protocolVersion, nonce: this.#hostNonce, signature }) }, 'reliable', false);
    } catch {
      // Gone meanwhile.
    }
  }

  async #join(frame: Frame): Promise<void> {
    let join: Join;
    try {
      join = Join.decode(frame.payload);
    } catch {
      return this.#badFrame(`Malformed Join from ${this.#session.peer}`);
    }
    this.#stage = 'deciding';
    // Used once: whatever happens next, this link gets no second try with the same nonce.
    const nonce = joinNonce(this.#memberNonce, this.#hostNonce);
    const id = await this.#options.join(join, nonce);
    this.#stage = 'done';
    if (id !== undefined) this.#options.joined(id);
  }
}
