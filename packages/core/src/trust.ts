import { BeckonError } from './errors.ts';

/**
 * Invites and proofs. Transport ids can be claimed by anyone, so authority rests on keys:
 * - the invite carries a room secret; a member proves it holds the invite with an HMAC over the join context;
 * - the invite carries the host's public key; the host proves it holds the private key by signing the member's
 *   fresh nonce, so a peer that grabs the host's id first is refused by every member.
 * The invite travels in the URL fragment, which browsers never send to a server.
 */
export interface Invite {
  /** Transport id of the host. */
  readonly host: string;
  /** The room secret (16 random bytes). */
  readonly secret: Uint8Array;
  /** The host's ECDSA P-256 public key, raw (65 bytes). */
  readonly hostKey: Uint8Array;
}

/** What the host keeps: the invite it hands out, and the private key behind it. */
export interface HostCredentials {
  readonly invite: Invite;
  readonly privateKey: CryptoKey;
}

/** The context both proofs cover, so neither can be replayed to another room, peer or join. */
export interface JoinContext {
  readonly host: string;
  /** Transport id of the joining member. */
  readonly member: string;
  readonly participantId: string;
  readonly nonce: Uint8Array;
}

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signing = { name: 'ECDSA', hash: 'SHA-256' } as const;
const encoder = new TextEncoder();

function subtle(): SubtleCrypto {
  const value = globalThis.crypto?.subtle;
  if (!value) throw new BeckonError('refused', 'WebCrypto is unavailable: open the page over https or on localhost');
  return value;
}

/** Whether this context can create and check invites (WebCrypto needs a secure context in browsers). */
export function trustAvailable(): boolean {
  return globalThis.crypto?.subtle !== undefined;
}

export async function createHostCredentials(host: string): Promise<HostCredentials> {
  const pair = (await subtle().generateKey(ecdsa, true, ['sign', 'verify'])) as CryptoKeyPair;
  const hostKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  const secret = crypto.getRandomValues(new Uint8Array(16));
  return { invite: { host, secret, hostKey }, privateKey: pair.privateKey };
}

/** Serialises credentials (the private key as JWK) so a host that reloads keeps its room. Keep it private. */
export async function exportHostCredentials(credentials: HostCredentials): Promise<string> {
  const jwk = await subtle().exportKey('jwk', credentials.privateKey);
  return JSON.stringify({ invite: formatInvite(credentials.invite), jwk });
}

export async function importHostCredentials(text: string): Promise<HostCredentials> {
  const parsed = JSON.parse(text) as { invite?: unknown; jwk?: JsonWebKey };
  const invite = typeof parsed.invite === 'string' ? parseInvite(parsed.invite) : undefined;
  if (!invite || !parsed.jwk) throw new BeckonError('refused', 'Stored host credentials are unreadable');
  const privateKey = await subtle().importKey('jwk', parsed.jwk, ecdsa, true, ['sign']);
  return { invite, privateKey };
}

/** `host.secret.key`, URL-safe: put it in a link's fragment, e.g. `#join=<this>`. */
export function formatInvite(invite: Invite): string {
  return `${encodeURIComponent(invite.host)}.${toBase64Url(invite.secret)}.${toBase64Url(invite.hostKey)}`;
}

/** Reads an invite; undefined when it is not one (a truncated or tampered link). */
export function parseInvite(text: string): Invite | undefined {
  const parts = text.trim().split('.');
  if (parts.length !== 3) return undefined;
  try {
    const host = decodeURIComponent(parts[0]!);
    const secret = fromBase64Url(parts[1]!);
    const hostKey = fromBase64Url(parts[2]!);
    if (!host || secret.length !== 16 || hostKey.length !== 65) return undefined;
    return { host, secret, hostKey };
  } catch {
    return undefined;
  }
}

function contextBytes(purpose: string, context: JoinContext): Uint8Array {
  const label = encoder.encode(`beckon/${purpose}\u0000${context.host}\u0000${context.member}\u0000${context.participantId}\u0000`);
  const bytes = new Uint8Array(label.length + context.nonce.length);
  bytes.set(label);
  bytes.set(context.nonce, label.length);
  return bytes;
}

async function hmacKey(secret: Uint8Array): Promise<CryptoKey> {
  return subtle().importKey('raw', secret as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** The member's proof that it holds the invite. */
export async function proveInvite(secret: Uint8Array, context: JoinContext): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign('HMAC', await hmacKey(secret), contextBytes('join', context) as Uint8Array<ArrayBuffer>));
}

export async function checkInviteProof(secret: Uint8Array, context: JoinContext, proof: Uint8Array): Promise<boolean> {
  if (proof.length !== 32) return false;
  return subtle().verify('HMAC', await hmacKey(secret), proof as Uint8Array<ArrayBuffer>, contextBytes('join', context) as Uint8Array<ArrayBuffer>);
}

/**
 * What the host's challenge signature covers: both transport ids and both fresh nonces, so it proves the key is held
 * by the peer on this very link, now (not replayed from another link or an earlier join).
 */
export interface ChallengeContext {
  readonly host: string;
  readonly member: string;
  readonly memberNonce: Uint8Array;
  readonly hostNonce: Uint8Array;
}

/** The nonce a Join proof covers: the member's, then the host's. */
export function joinNonce(memberNonce: Uint8Array, hostNonce: Uint8Array): Uint8Array {
  const nonce = new Uint8Array(memberNonce.length + hostNonce.length);
  nonce.set(memberNonce);
  nonce.set(hostNonce, memberNonce.length);
  return nonce;
}

function challengeBytes(context: ChallengeContext): Uint8Array {
  return contextBytes('challenge', { host: context.host, member: context.member, participantId: '', nonce: joinNonce(context.memberNonce, context.hostNonce) });
}

/** The host's proof, before the member reveals anything, that it holds the room's private key. */
export async function signChallenge(privateKey: CryptoKey, context: ChallengeContext): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign(signing, privateKey, challengeBytes(context) as Uint8Array<ArrayBuffer>));
}

export async function checkChallengeSignature(hostKey: Uint8Array, context: ChallengeContext, signature: Uint8Array): Promise<boolean> {
  if (signature.length === 0) return false;
  try {
    const key = await subtle().importKey('raw', hostKey as Uint8Array<ArrayBuffer>, ecdsa, false, ['verify']);
    return await subtle().verify(signing, key, signature as Uint8Array<ArrayBuffer>, challengeBytes(context) as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

/** The host's proof that it holds the room's private key (protocol 1's welcome signature). */
export async function signWelcome(privateKey: CryptoKey, context: JoinContext): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign(signing, privateKey, contextBytes('welcome', context) as Uint8Array<ArrayBuffer>));
}

export async function checkWelcomeSignature(hostKey: Uint8Array, context: JoinContext, signature: Uint8Array): Promise<boolean> {
  if (signature.length === 0) return false;
  try {
    const key = await subtle().importKey('raw', hostKey as Uint8Array<ArrayBuffer>, ecdsa, false, ['verify']);
    return await subtle().verify(signing, key, signature as Uint8Array<ArrayBuffer>, contextBytes('welcome', context) as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
