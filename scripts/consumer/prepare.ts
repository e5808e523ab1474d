// Makes the consumer apps the consumer tests use, the way a user would: builds and packs every published package,
// copies each app into a temp folder outside the workspace and installs the tarballs there with plain npm, and
// fetches the current LTS Node from the registry. This is the part that needs the registry, so `npm test` runs it
// before entering the loopback-only namespace; scripts/consumer/consumer.test.ts then checks the apps offline.
// Usage: pnpm exec tsx scripts/consumer/prepare.ts [--force]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  appDir,
  appNames,
  consumerDir,
  manifestPath,
  publishedPackages,
  readManifest,
  repoRoot,
  sourceHash,
  tarballDir,
} from './workdir.ts';
import type { AppName, ConsumerManifest, PublishedPackage, ToolchainStep } from './workdir.ts';

/** The pnpm a developer installing today gets (12.x; the registry here serves 12.4.2 for every platform). */
const currentPnpm = '12.4.2';

function run(command: string, args: readonly string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`"${command} ${args.join(' ')}" in ${cwd} failed (${result.status ?? result.signal})`);
}

function step(message: string): void {
  console.log(`\n▸ consumer apps: ${message}`);
}

/** What each app installs besides Beckon's tarballs: what its README section tells that kind of user to install. */
const appDependencies: Record<AppName, { beckon: PublishedPackage[]; dependencies: Record<string, string>; devDependencies: Record<string, string> }> = {
  'node-app': {
    beckon: ['core', 'peerjs', 'cli'],
    dependencies: { 'node-datachannel': '^0.33.4', ws: '^8.18.0' },
    devDependencies: { typescript: '^5.9.3', '@types/node': '^20.19.0', '@types/ws': '^8.18.1' },
  },
  'vite-app': {
    beckon: ['classroom', 'cli'],
    dependencies: { lit: '^3.3.0' },
    devDependencies: { vite: '^7.3.0', typescript: '^5.9.3' },
  },
  'static-page': { beckon: ['classroom', 'cli'], dependencies: {}, devDependencies: {} },
};

const scopeName = (name: PublishedPackage): string => `@beckon/${name}`;

/** Runs a command to completion, keeping its exit code and the end of its output for the test to show. */
function attempt(command: string, args: readonly string[], cwd: string): ToolchainStep {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return { code: result.status ?? -1, output: output.slice(-2000) };
}

/**
 * A developer who already has a current pnpm runs the README's commands with it: install that pnpm, copy the
 * repository's tracked files (as a fresh clone has them) and install, type-check and load the native module with it.
 */
function checkCurrentPnpm(): ConsumerManifest['pnpm12'] {
  step(`installing the workspace with pnpm ${currentPnpm}, as a developer with a current pnpm would`);
  const prefix = path.join(consumerDir, 'pnpm12');
  mkdirSync(prefix, { recursive: true });
  writeFileSync(path.join(prefix, 'package.json'), '{ "private": true }\n');
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `pnpm@${currentPnpm}`], prefix);
  const pnpm = path.join(prefix, 'node_modules/.bin/pnpm');
  const copy = path.join(consumerDir, 'workspace-pnpm12');
  const tracked = spawnSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
  for (const file of tracked) {
    if (!existsSync(path.join(repoRoot, file))) continue;
    mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    cpSync(path.join(repoRoot, file), path.join(copy, file));
  }
  const lockfile = readFileSync(path.join(copy, 'pnpm-lock.yaml'), 'utf8');
  const install = attempt(pnpm, ['install', '--frozen-lockfile', '--prefer-offline'], copy);
  return {
    version: attempt(pnpm, ['--version'], copy).output.trim(),
    install,
    lockfileUnchanged: readFileSync(path.join(copy, 'pnpm-lock.yaml'), 'utf8') === lockfile,
    typecheck: attempt(pnpm, ['--silent', 'typecheck'], copy),
    nativeModule: attempt(process.execPath, ['-e', "import('node-datachannel').then(() => console.log('loaded'))"], path.join(copy, 'packages/peerjs')),
  };
}

export function prepare(force: boolean): ConsumerManifest {
  const hash = sourceHash();
  const existing = readManifest();
  if (!force && existing?.sourceHash === hash && appNames.every((app) => existsSync(path.join(appDir(app), 'node_modules')))) {
    console.log(`consumer apps in ${consumerDir} are up to date`);
    return existing;
  }
  const started = performance.now();
  rmSync(consumerDir, { recursive: true, force: true });
  mkdirSync(tarballDir, { recursive: true });

  step('building the packages');
  run(process.execPath, ['scripts/build.mjs'], repoRoot);

  step('packing (pnpm pack, which turns workspace: ranges into versions and applies publishConfig)');
  const tarballs = {} as Record<PublishedPackage, string>;
  for (const name of publishedPackages) {
    const before = new Set(readdirSync(tarballDir));
    run('pnpm', ['pack', '--pack-destination', tarballDir], path.join(repoRoot, 'packages', name));
    const made = readdirSync(tarballDir).find((file) => !before.has(file));
    if (made === undefined) throw new Error(`pnpm pack made no tarball for ${name}`);
    tarballs[name] = path.join(tarballDir, made);
  }

  for (const app of appNames) {
    step(`npm install in ${appDir(app)}`);
    cpSync(path.join(repoRoot, 'scripts/consumer/apps', app), appDir(app), { recursive: true });
    const spec = appDependencies[app];
    const file = (name: PublishedPackage): string => `file:${path.relative(appDir(app), tarballs[name])}`;
    const packageJson = {
      name: `beckon-consumer-${app}`,
      private: true,
      type: 'module',
      dependencies: { ...Object.fromEntries(spec.beckon.map((name) => [scopeName(name), file(name)])), ...spec.dependencies },
      devDependencies: spec.devDependencies,
      // Beckon's packages depend on each other by version; these tarballs stand in for the registry's copies.
      overrides: Object.fromEntries(publishedPackages.map((name) => [scopeName(name), file(name)])),
    };
    writeFileSync(path.join(appDir(app), 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], appDir(app));
  }

  step('fetching Node 24 (the registry package `node`)');
  const nodeDir = path.join(consumerDir, 'node24');
  mkdirSync(nodeDir, { recursive: true });
  writeFileSync(path.join(nodeDir, 'package.json'), '{ "private": true }\n');
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', 'node@24'], nodeDir);
  const node24 = path.join(nodeDir, 'node_modules/node/bin/node');

  const pnpm12 = checkCurrentPnpm();
  const manifest: ConsumerManifest = { sourceHash: hash, tarballs, node24, pnpm12 };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`▸ consumer apps ready in ${((performance.now() - started) / 1000).toFixed(0)} s: ${consumerDir}`);
  return manifest;
}

if (import.meta.url === `file://${process.argv[1]}`) prepare(process.argv.includes('--force'));
