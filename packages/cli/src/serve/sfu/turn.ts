import { createHmac } from 'node:crypto';

/** An RTCIceServer entry for the page. */
export interface TurnIceServer {
  readonly urls: readonly string[];
  readonly username: string;
  readonly credential: string;
}

/**
 * coturn's REST-API credentials (`use-auth-secret` + `static-auth-secret`): the user name is the expiry time
 * (Unix seconds) and a label, the password the base64 HMAC-SHA1 of that name under the shared secret. coturn
 * checks both without a database, and a credential copied out of a page stops working when it expires.
 */
export function turnCredentials(secret: string, urls: readonly string[], ttlSeconds: number, label: string, nowMs = Date.now()): TurnIceServer {
  const username = `${Math.floor(nowMs / 1000) + ttlSeconds}:${label.replace(/[^\w.-]/g, '').slice(0, 32) || 'beckon'}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { urls, username, credential };
}

/** `{host}` in a configured TURN URL becomes the host name the page used to reach this server. */
export function turnUrlsFor(templates: readonly string[], requestHost: string | undefined): string[] {
  const host = hostnameOf(requestHost);
  return templates.map((template) => template.replaceAll('{host}', host));
}

function hostnameOf(header: string | undefined): string {
  const value = (header ?? '').trim();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1) || '127.0.0.1';
  const name = value.split(':')[0] ?? '';
  return /^[\w.-]+$/.test(name) ? name : '127.0.0.1';
}
