/**
 * The one cleaner for text and ids that come from peers (names, metadata, chat, poll options). Display text keeps
 * what people write and loses what only serves to deceive: control characters, direction overrides and marks that
 * reorder text, and invisible characters that make "Teach\u200Ber" look like "Teacher". Rendering it as text (never as
 * HTML) stays the UI's job.
 */

export interface CleanTextOptions {
  /** Keep line breaks and tabs (chat); otherwise every run of whitespace becomes one space (names, labels). */
  readonly multiline?: boolean;
}

// C0 and C1 controls except tab and line feed (handled by whitespace rules below).
// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u0008\u000b-\u001f\u007f-\u0084\u0086-\u009f]/g;
/**
 * Invisible or reordering characters: soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers,
 * Khmer inherent vowels, Mongolian separators and variation selectors, zero-width space and non-joiner, LRM/RLM,
 * bidi embeddings, overrides and isolates, word joiner and invisible operators, deprecated format characters,
 * the BOM, interlinear annotation marks, and tag characters (invisible ASCII).
 */
const invisible =
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;
/** A zero-width joiner is kept only inside an emoji sequence (👩‍💻), where it is visible as one glyph. */
const strayJoiner = /(?<![\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f])\u200d|\u200d(?!\p{Extended_Pictographic})/gu;
const lineBreaks = /\r\n?|[\u0085\u2028\u2029]/g;

/** Display text from a peer: no control, bidi or invisible characters, trimmed, at most `max` UTF-16 units. */
export function cleanText(text: string, max: number, options: CleanTextOptions = {}): string {
  let clean = text.normalize('NFC').replace(lineBreaks, '\n').replace(controls, '').replace(invisible, '').replace(strayJoiner, '');
  clean = options.multiline ? clean.replace(/[^\S\n\t]+/g, ' ') : clean.replace(/\s+/g, ' ');
  return truncate(clean.trim(), max).trim();
}

/** Cuts to `max` UTF-16 units without splitting a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.charCodeAt(max - 1);
  return text.slice(0, cut >= 0xd800 && cut <= 0xdbff ? max - 1 : max);
}

/** Names an object already has (`__proto__`, `constructor`, `toString`, ...): never usable as keys of peer data. */
const prototypeKeys: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Whether `id` is a valid participant id: 1–64 of `A–Z a–z 0–9 _ -`, and not a name objects already have. */
export function isValidId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) && !prototypeKeys.has(id);
}

/** Whether `key` may be used as a key of an object holding peer data. */
export function isSafeKey(key: string): boolean {
  return !prototypeKeys.has(key);
}

/** A peer's metadata, cleaned: at most 16 entries, bounded keys and values, no prototype keys, no prototype. */
export function cleanMetadata(metadata: Readonly<Record<string, string>>): Record<string, string> {
  const clean = Object.create(null) as Record<string, string>;
  let count = 0;
  for (const [rawKey, rawValue] of Object.entries(metadata)) {
    if (count >= 16) break;
    const key = cleanText(rawKey, 32);
    if (key === '' || !isSafeKey(key) || Object.hasOwn(clean, key)) continue;
    clean[key] = cleanText(String(rawValue), 256);
    count++;
  }
  return clean;
}
