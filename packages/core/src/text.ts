/** Display text from a peer: no control characters, bounded length. Rendering it safely is the UI's job. */
export function cleanText(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').trim().slice(0, max);
}

export function cleanId(id: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : '';
}

export function cleanMetadata(metadata: Record<string, string>): Record<string, string> {
  const entries = Object.entries(metadata).slice(0, 16);
  return Object.fromEntries(entries.map(([key, value]) => [cleanText(key, 32), cleanText(value, 256)]));
}
