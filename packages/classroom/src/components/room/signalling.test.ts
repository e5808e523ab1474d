import { describe, expect, it } from 'vitest';
import { parseIceServers, resolveSignalling, SignallingConfigError } from './signalling.ts';

const lessonPage = { protocol: 'https:', hostname: 'lms.school.example', port: '' };

describe('resolveSignalling', () => {
  it('defaults to the page origin and the signalling path', () => {
    expect(resolveSignalling('', '/peerjs', lessonPage)).toEqual({ host: 'lms.school.example', port: 443, path: '/peerjs', secure: true });
    expect(resolveSignalling(undefined, '/sig/', { protocol: 'http:', hostname: '127.0.0.1', port: '9000' })).toEqual({
      host: '127.0.0.1',
      port: 9000,
      path: '/sig',
      secure: false,
    });
  });

  it('takes a signalling server on another origin, with its scheme, port, path and key', () => {
    expect(resolveSignalling('https://signal.example.org/beckon?key=lesson', '/peerjs', lessonPage)).toEqual({
      host: 'signal.example.org',
      port: 443,
      path: '/beckon',
      secure: true,
      key: 'lesson',
    });
    expect(resolveSignalling('http://127.0.0.1:9100', '/peerjs', lessonPage)).toEqual({ host: '127.0.0.1', port: 9100, path: '/peerjs', secure: false });
    expect(resolveSignalling('http://[::1]:9100/p', '/peerjs', lessonPage)).toMatchObject({ host: '::1', port: 9100, path: '/p' });
  });

  it('takes the parts as an object', () => {
    expect(resolveSignalling({ host: 'signal.example.org', port: 8443, secure: true }, '/peerjs', lessonPage)).toEqual({
      host: 'signal.example.org',
      port: 8443,
      path: '/peerjs',
      secure: true,
    });
  });

  it('refuses what is not a signalling address, saying why', () => {
    expect(() => resolveSignalling('ftp://signal.example.org', '/peerjs', lessonPage)).toThrow(SignallingConfigError);
    expect(() => resolveSignalling('https://', '/peerjs', lessonPage)).toThrow(/not a URL/);
    expect(() => resolveSignalling({ host: 'x', port: 70_000 }, '/peerjs', lessonPage)).toThrow(/not a port/);
  });
});

describe('parseIceServers', () => {
  it('reads STUN and TURN servers with credentials from JSON or an array', () => {
    const turn = { urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'], username: 'class', credential: 's3cret' };
    expect(parseIceServers(JSON.stringify([{ urls: 'stun:stun.example.org:3478' }, turn]))).toEqual([{ urls: ['stun:stun.example.org:3478'] }, turn]);
    expect(parseIceServers([turn])).toEqual([turn]);
    expect(parseIceServers('')).toEqual([]);
  });

  it('refuses broken JSON, other schemes and TURN without credentials', () => {
    expect(() => parseIceServers('[{urls:')).toThrow(/must be JSON/);
    expect(() => parseIceServers('[{"urls":"https://turn.example.org"}]')).toThrow(/entry 1 needs "urls"/);
    expect(() => parseIceServers('[{"urls":"turn:turn.example.org"}]')).toThrow(/username/);
    expect(() => parseIceServers('[null]')).toThrow(SignallingConfigError);
  });
});
