import type { XapiStatement } from './xapi.ts';

export interface LrsOptions {
  /** The LRS's xAPI endpoint, e.g. `https://lrs.example.org/xapi` (statements go to `<endpoint>/statements`). */
  readonly endpoint: string;
  /** An `Authorization` header value, e.g. `Basic …` from the LRS's client credentials. */
  readonly authorization?: string;
  readonly fetch?: typeof fetch;
}

/** What the LRS said: the ids it stored, or why not. */
export type LrsResult = { readonly ok: true; readonly ids: readonly string[] } | { readonly ok: false; readonly status: number; readonly message: string };

/** POSTs the statements to an LRS (xAPI 1.0.3: `POST /statements`, `X-Experience-API-Version`). Never throws. */
export async function sendToLrs(statements: readonly XapiStatement[], options: LrsOptions): Promise<LrsResult> {
  let url: URL;
  try {
    url = new URL(`${options.endpoint.replace(/\/+$/, '')}/statements`);
  } catch {
    return { ok: false, status: 0, message: 'The LRS address is not a URL.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, status: 0, message: 'The LRS address must start with https://' };
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Experience-API-Version': '1.0.3' };
  if (options.authorization) headers['Authorization'] = options.authorization;
  try {
    const response = await (options.fetch ?? fetch)(url, { method: 'POST', headers, body: JSON.stringify(statements) });
    const body = await response.text();
    if (!response.ok) return { ok: false, status: response.status, message: `The LRS refused the statements (${response.status}): ${body.slice(0, 200)}` };
    let ids: unknown = [];
    try {
      ids = JSON.parse(body);
    } catch {
      // Some LRSs answer 204 without a body.
    }
    return { ok: true, ids: Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [] };
  } catch (error) {
    return { ok: false, status: 0, message: `Could not reach the LRS: ${error instanceof Error ? error.message : String(error)}` };
  }
}
