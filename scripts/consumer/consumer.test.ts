// Beckon as its users get it: the packed tarballs, installed with plain npm into fresh apps outside the workspace
// (scripts/consumer/prepare.ts, which `npm test` runs first), checked on Node 20 and on the current LTS, Node 24.
// (a) a strict TypeScript Node app with its own .proto: `npx beckon gen`, its own `tsc`, a host and a member over
//     real WebRTC through `npx beckon serve`;
// (b) a Vite app with its own lit importing the classroom elements: `tsc` and `vite build`, then a teacher's and a
//     student's page in Chromium exchange a vote, signalling through a server on another origin;
// (c) a plain HTML page loading the published one-file bundle with one script tag from a static host, with
//     `beckon serve` on another port: a lesson between two pages.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumPath } from '../chromium.ts';
import { beckonServe, run } from './commands.ts';
import type { NodeVersion, Serving } from './commands.ts';
import { runLesson } from './lesson.ts';
import { serveStatic } from './static-host.ts';
import type { StaticHost } from './static-host.ts';
import { appDir, publishedPackages, readManifest, repoRoot, sourceHash } from './workdir.ts';
import type { ConsumerManifest } from './workdir.ts';

const manifest = readManifest();

function requireManifest(): ConsumerManifest {
  if (manifest === undefined) throw new Error('no consumer apps: run `pnpm exec tsx scripts/consumer/prepare.ts` (npm test does) first');
  return manifest;
}

/** A tarball's files and its package.json, as npm would unpack them. */
function tarball(name: (typeof publishedPackages)[number]): { files: string[]; json: Record<string, unknown> } {
  const file = requireManifest().tarballs[name];
  const files = execFileSync('tar', ['tzf', file], { encoding: 'utf8' }).trim().split('\n').map((entry) => entry.replace(/^package\//, ''));
  const json = JSON.parse(execFileSync('tar', ['xzfO', file, 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown>;
  return { files, json };
}

const node20: NodeVersion = { label: 'Node 20', bin: process.execPath };

/** What a command printed besides npm's own warnings (about the machine's npm config, not about Beckon). */
const own = (output: string): string => output.split('\n').filter((line) => !line.startsWith('npm warn')).join('\n').trim();

describe('the consumer apps', () => {
  it('were made from these sources', () => {
    // A stale app would test yesterday's packages.
    expect(requireManifest().sourceHash, 'consumer apps are stale: run `pnpm exec tsx scripts/consumer/prepare.ts`').toBe(sourceHash());
    expect(process.version).toMatch(/^v20\./);
    for (const app of ['node-app', 'vite-app', 'static-page'] as const) expect(appDir(app).startsWith(repoRoot)).toBe(false);
  });
});

describe('the workspace with a current pnpm', () => {
  it('installs from the lockfile without changing it, type-checks, and loads node-datachannel (pnpm 12)', () => {
    const { pnpm12 } = requireManifest();
    expect(pnpm12.version).toMatch(/^12\./);
    expect(pnpm12.install.code, pnpm12.install.output).toBe(0);
    expect(pnpm12.lockfileUnchanged).toBe(true);
    expect(pnpm12.typecheck.code, pnpm12.typecheck.output).toBe(0);
    expect(pnpm12.nativeModule.output.trim()).toBe('loaded');
  });
});

describe('the tarballs', () => {
  it.each(publishedPackages)('@beckon/%s ships built code, its README and LICENSE, and no tests or sources', (name) => {
    const { files, json } = tarball(name);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map']));
    expect(files.filter((file) => /\.test\.|test-utils|^src\/|tsbuildinfo|fixtures/.test(file))).toEqual([]);
    // Declarations import what is shipped (.js), never sources (.ts).
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/workspace:|\.\/src\//);
    expect(json['publishConfig'] ?? {}).toEqual({ access: 'public' });
    for (const target of Object.values(json['exports'] as Record<string, unknown>)) {
      if (typeof target === 'string') continue;
      expect(Object.keys(target as object)[0], 'types first').toBe('types');
    }
    expect(json).toMatchObject({ license: 'MIT', type: 'module', version: '0.1.0', repository: { directory: `packages/${name}` } });
    expect((json['keywords'] as string[]).length).toBeGreaterThan(2);
  });

  it('depend on lit, protobufjs and peerjs by range, on each other by version, and only optionally on Node WebRTC', () => {
    const deps = (name: (typeof publishedPackages)[number]): Record<string, string> => (tarball(name).json['dependencies'] ?? {}) as Record<string, string>;
    expect(deps('core')).toEqual({ protobufjs: expect.stringMatching(/^\^7\./) });
    expect(deps('classroom')).toMatchObject({ lit: expect.stringMatching(/^\^3\./), '@beckon/core': '^0.1.0', '@beckon/peerjs': '^0.1.0' });
    expect(deps('peerjs')).toEqual({ peerjs: expect.stringMatching(/^\^1\./), '@beckon/core': '^0.1.0' });
    const peerjs = tarball('peerjs').json;
    expect(peerjs['peerDependenciesMeta']).toEqual({ 'node-datachannel': { optional: true }, ws: { optional: true } });
    expect(Object.keys(deps('cli'))).not.toContain('tsx');
    expect(tarball('cli').files).toEqual(expect.arrayContaining(['bin/beckon.js', 'protos/beckon/options.proto']));
    expect(tarball('classroom').files).toEqual(expect.arrayContaining(['dist/beckon-classroom.js', 'dist/custom-elements.json']));
    // A browser-only install has no native WebRTC for Node, and one lit shared with the app's own.
    expect(existsSync(path.join(appDir('vite-app'), 'node_modules/node-datachannel'))).toBe(false);
    expect(existsSync(path.join(appDir('vite-app'), 'node_modules/@beckon/classroom/node_modules/lit'))).toBe(false);
    expect(existsSync(path.join(appDir('vite-app'), 'node_modules/@beckon/media/node_modules/lit'))).toBe(false);
  });

  it("matches the README's size of the one-file bundle", () => {
    const bundle = execFileSync('tar', ['xzfO', requireManifest().tarballs.classroom, 'package/dist/beckon-classroom.js']);
    const kib = gzipSync(bundle).length / 1024;
    const stated = [...readFileSync(path.join(repoRoot, 'README.md'), 'utf8').matchAll(/([\d.]+) KiB gzipped/g)].map((match) => Number(match[1]));
    expect(stated.length).toBeGreaterThan(0);
    for (const size of stated) expect(Math.abs(size - kib) / kib, `README says ${size} KiB, the bundle is ${kib.toFixed(1)} KiB`).toBeLessThan(0.02);
  });

  it.each(publishedPackages)('@beckon/%s passes publint and arethetypeswrong', (name) => {
    const file = requireManifest().tarballs[name];
    const bin = (tool: string): string => path.join(repoRoot, 'node_modules/.bin', tool);
    const publint = execFileSync(bin('publint'), ['--strict', file], { encoding: 'utf8' });
    expect(publint).toContain('All good!');
    // ESM only, by design: node10 and require() resolution are not offered.
    execFileSync(bin('attw'), ['--profile', 'esm-only', '--format', 'ascii', file], { encoding: 'utf8' });
  }, 60_000);
});

const versions: NodeVersion[] = [node20, { label: 'Node 24', bin: manifest?.node24 ?? 'node24-missing' }];

describe.each(versions)('on $label', (node) => {
  let browser: Browser;
  const running: (Serving | StaticHost)[] = [];

  beforeAll(async () => {
    requireManifest();
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  });

  afterAll(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
    await browser?.close();
  });

  it('runs that Node', async () => {
    const { stdout } = await run(node, appDir('node-app'), 'node', ['--version']);
    expect(stdout.trim()).toMatch(node === node20 ? /^v20\./ : /^v24\./);
  });

  it('(a) a strict TypeScript Node app: beckon gen, its own tsc, a host and a member over WebRTC through beckon serve', async () => {
    const dir = appDir('node-app');
    const gen = await run(node, dir, 'npx', ['--no', '--', 'beckon', 'gen', 'proto/quiz.proto', '--out', 'src/gen']);
    expect(own(gen.stderr)).toBe('');
    expect(gen.stdout).toMatch(/(wrote|unchanged) src\/gen\/quiz\.ts from proto\/quiz\.proto \(4 message types\)/);
    const generated = readFileSync(path.join(dir, 'src/gen/quiz.ts'), 'utf8');
    // Only published entry points.
    expect([...generated.matchAll(/from '([^']+)'/g)].map((match) => match[1])).toEqual(expect.arrayContaining(['@beckon/core']));
    expect(generated).not.toMatch(/from '\.|\/src\//);

    const tsc = await run(node, dir, 'npx', ['--no', '--', 'tsc', '--project', 'tsconfig.json']);
    expect(own(tsc.stdout + tsc.stderr)).toBe('');
    expect(tsc.code).toBe(0);

    // --target js: plain JavaScript (and .d.ts) that runs as is on the published runtime, 64-bit values exact.
    const js = await run(node, dir, 'npx', ['--no', '--', 'beckon', 'gen', 'proto/quiz.proto', '--out', 'gen-js', '--target', 'js']);
    expect(own(js.stderr)).toBe('');
    expect(readFileSync(path.join(dir, 'gen-js/quiz.d.ts'), 'utf8')).toContain('export declare const Buzz: MessageType<Buzz>;');
    const roundTrip = await run(node, dir, 'node', [
      '--input-type=module',
      '-e',
      "const { Buzz, Team } = await import('./gen-js/quiz.js'); console.log(JSON.stringify(Buzz.decode(Buzz.encode({ player: 'p', team: Team.BLUE, tags: ['a'] }))));",
    ]);
    expect(own(roundTrip.stderr)).toBe('');
    expect(JSON.parse(roundTrip.stdout.trim())).toEqual({ player: 'p', team: 2, tags: ['a'] });

    const signalling = await beckonServe(node, dir);
    running.push(signalling);
    const health = (await (await fetch(`http://127.0.0.1:${signalling.port}/health`)).json()) as { ok: boolean; node: string };
    expect(health.node).toBe((await run(node, dir, 'node', ['--version'])).stdout.trim());

    const app = await run(node, dir, 'node', ['dist/main.js', String(signalling.port)], 60_000);
    expect(own(app.stderr)).toBe('');
    expect(app.code).toBe(0);
    const result = JSON.parse(app.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
    // Decoded messages are plain objects: an enum is its number (Team.RED), as the generated const says.
    expect(result['buzzes']).toEqual([0, 1, 2].map((i) => ({ player: 'ada', team: 1, tags: ['first', String(i)] })));
    expect(result['rulings']).toEqual([1, 2, 3].map((place) => ({ player: 'ada', place, scores: { red: place, blue: 0 } })));
    expect(result['hovers']).toBeGreaterThan(0);
    expect(result['hostParticipants']).toEqual(['Ada', 'Quizmaster']);
    await signalling.close();
  }, 120_000);

  it("runs the app's own unit test on the in-memory transport from @beckon/core/testing (after (a) built it)", async () => {
    const unit = await run(node, appDir('node-app'), 'node', ['dist/unit.js']);
    expect(own(unit.stderr)).toBe('');
    expect(JSON.parse(unit.stdout.trim())).toEqual({ players: ['ada'], delivered: true, hasSession: true, mainExports: [] });
  });

  it('tells a browser-only install how to get Node WebRTC when it imports @beckon/peerjs/node', async () => {
    const result = await run(node, appDir('vite-app'), 'node', ['--input-type=module', '-e', "await import('@beckon/peerjs/node')"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('@beckon/peerjs/node needs the package "node-datachannel" (WebRTC for Node): npm install node-datachannel');
  });

  it('(b) a Vite app with its own lit: tsc and vite build, then a vote between two pages, signalling on another origin', async () => {
    const dir = appDir('vite-app');
    const outDir = `dist-${node.label.replace(/\W+/g, '')}`;
    const tsc = await run(node, dir, 'npx', ['--no', '--', 'tsc', '--project', 'tsconfig.json']);
    expect(own(tsc.stdout + tsc.stderr)).toBe('');
    const build = await run(node, dir, 'npx', ['--no', '--', 'vite', 'build', '--outDir', outDir, '--logLevel', 'warn']);
    expect(build.code, build.stderr).toBe(0);

    const [signalling, site] = await Promise.all([beckonServe(node, dir), serveStatic(path.join(dir, outDir))]);
    running.push(signalling, site);
    // The page on localhost, the signalling server on 127.0.0.1: two origins.
    const signallingUrl = `http://127.0.0.1:${signalling.port}/peerjs`;
    const lesson = await runLesson(browser, `http://localhost:${site.port}/?signalling=${encodeURIComponent(signallingUrl)}`, 'Yes', 0);
    expect(lesson.errors).toEqual([]);
    expect(lesson.litCopies).toBe(1);
    expect(lesson.sockets.length).toBeGreaterThanOrEqual(2);
    for (const socket of lesson.sockets) expect(socket).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${signalling.port}/peerjs/peerjs\\?`));
    await Promise.all([signalling.close(), site.close()]);
  }, 120_000);

  it('(c) a plain HTML page with the published bundle in one script tag, beckon serve on another port: a lesson', async () => {
    const dir = appDir('static-page');
    const signalling = await beckonServe(node, dir);
    running.push(signalling);
    const template = readFileSync(path.join(dir, 'index.html'), 'utf8');
    writeFileSync(
      path.join(dir, 'lesson.html'),
      template
        .replace('__BUNDLE__', '/node_modules/@beckon/classroom/dist/beckon-classroom.js')
        .replace('__SIGNALLING__', `http://127.0.0.1:${signalling.port}/peerjs`),
    );
    const site = await serveStatic(dir);
    running.push(site);
    const lesson = await runLesson(browser, `http://127.0.0.1:${site.port}/lesson.html`, '⅔', 1);
    expect(lesson.errors).toEqual([]);
    expect(lesson.sockets.length).toBeGreaterThanOrEqual(2);
    for (const socket of lesson.sockets) expect(socket).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${signalling.port}/peerjs/peerjs\\?`));
    await Promise.all([signalling.close(), site.close()]);
  }, 120_000);
});
