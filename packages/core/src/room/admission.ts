import { Role as RoleValue } from '../gen/control.ts';
import type { Join } from '../gen/control.ts';
import { randomId } from '../ids.ts';
import { cleanMetadata, cleanText, isValidId } from '../text.ts';
import { checkInviteProof, signWelcome } from '../trust.ts';
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
      /** The host's signature over the join context, for the welcome (empty without credentials). */
      readonly signature: Uint8Array;
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * Decides whether a Join from transport peer `peer` may enter the room. The order matters: the invite proof first, so
 * a peer without the invite learns nothing (not which ids exist, not what the app would say) and costs the app
 * nothing; then the identity (id, removal, token); the app's `admit` last.
 */
export async function admitJoin(join: Join, peer: string, context: AdmissionContext): Promise<Admission> {
  const refuse = (code: string, message: string): Admission => ({ ok: false, code, message });
  if (join.protocol !== protocolVersion) return refuse('protocol', `Protocol ${join.protocol} is not ${protocolVersion}`);
  const joinContext: JoinContext = { host: context.localId, member: peer, participantId: join.participantId, nonce: join.nonce };
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
  const signature = credentials && join.nonce.length >= 16 ? await signWelcome(credentials.privateKey, joinContext) : new Uint8Array(0);
  return { ok: true, request, known, signature };
}
