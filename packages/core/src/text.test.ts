import { describe, expect, it } from 'vitest';
import { cleanMetadata, cleanText, isValidId } from './text.ts';

describe('cleanText', () => {
  it('strips zero-width and directional marks that make lookalike names', () => {
    const hidden = ['\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2060', '\u2061', '\u2062', '\u2063', '\u2064', '\ufeff', '\u061c'];
    for (const char of hidden) expect(cleanText(`Teach${char}er`, 64)).toBe('Teacher');
    expect(cleanText('\u202eevil\u202c \u2067x\u2069', 64)).toBe('evil x');
    expect(cleanText('A\u00adB\u034fC\u3164', 64)).toBe('ABC');
    // Tag characters smuggle invisible ASCII.
    expect(cleanText('hi\u{e0041}\u{e0042}', 64)).toBe('hi');
  });

  it('strips control characters; names get one line, chat keeps its line breaks', () => {
    expect(cleanText('a\u0000b\u0007c\u009b', 64)).toBe('abc');
    expect(cleanText('  Ada \n\t Lovelace\r\n', 64)).toBe('Ada Lovelace');
    expect(cleanText('line 1\r\nline 2\u2028line 3', 64, { multiline: true })).toBe('line 1\nline 2\nline 3');
  });

  it('keeps emoji sequences and never splits a surrogate pair', () => {
    expect(cleanText('👩‍💻 coder', 64)).toBe('👩‍💻 coder');
    expect(cleanText('ab😀', 3)).toBe('ab');
    expect(cleanText('e\u0301', 8)).toBe('é');
  });
});

describe('ids and metadata', () => {
  it('refuses prototype keys and malformed ids', () => {
    for (const id of ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', 'a b', 'x'.repeat(65), 'é']) {
      expect(isValidId(id), id).toBe(false);
    }
    for (const id of ['ada', 'm0-abc_D', 'x'.repeat(64)]) expect(isValidId(id), id).toBe(true);
  });

  it('keeps metadata without prototype keys, in a prototype-less object', () => {
    const metadata = JSON.parse('{"__proto__": {"admin": "yes"}, "constructor": "x", "peer": "p1", "bad\\u200bkey": "v\\u202e"}') as Record<string, string>;
    const clean = cleanMetadata(metadata);
    expect(Object.getPrototypeOf(clean)).toBeNull();
    expect({ ...clean }).toEqual({ peer: 'p1', badkey: 'v' });
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });
});
