// `npm start`: installs what is missing (pnpm, dependencies), builds the demos, then runs `beckon serve` with the
// signalling server and every built demo on http://127.0.0.1:9000 (override with BECKON_HOST / BECKON_PORT).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// The same rule as scripts/ensure.sh: any pnpm from 9 on is used as it is (pnpm-lock.yaml is lockfile v9.0, which
// pnpm 8 cannot read); pnpm@9.15.9 is installed only when there is none (globally) or the one there is older than 9
// or does not run (into a private prefix that goes first on PATH, for this script and the commands it starts).
const pnpmVersion = '9.15.9';
const pnpmMinMajor = 9;

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`beckon: "${command} ${args.join(' ')}" failed`);
    process.exit(result.status ?? 1);
  }
}

function step(message) {
  console.log(`\n▸ ${message}`);
}

function pnpmFound() {
  const result = spawnSync('pnpm', ['--version'], { cwd: root, encoding: 'utf8' });
  if (result.error?.code === 'ENOENT') return { missing: true };
  return { missing: false, version: result.status === 0 ? result.stdout.trim() : '' };
}

const found = pnpmFound();
if (found.missing) {
  step(`installing pnpm@${pnpmVersion}`);
  run('npm', ['install', '-g', `pnpm@${pnpmVersion}`]);
} else if (!(Number.parseInt(found.version, 10) >= pnpmMinMajor)) {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const prefix = process.env.BECKON_PNPM_PREFIX ?? join(cache, 'beckon', `pnpm-${pnpmVersion}`);
  const bin = join(prefix, 'bin');
  if (!existsSync(join(bin, 'pnpm'))) {
    step(`the pnpm on PATH (${found.version || 'it does not run'}) is too old for this workspace, which needs pnpm ${pnpmMinMajor} or newer: installing pnpm@${pnpmVersion} into ${prefix}`);
    run('npm', ['install', '-g', '--prefix', prefix, `pnpm@${pnpmVersion}`]);
  }
  process.env.PATH = `${bin}${delimiter}${process.env.PATH ?? ''}`;
}
step('installing dependencies');
run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline']);
step('building the demos');
run('pnpm', ['--filter', './demos/*', '--if-present', 'run', 'build']);

const statics = ['--static', '/=demos/home'];
for (const demo of readdirSync(new URL('../demos', import.meta.url))) {
  if (demo !== 'home' && existsSync(new URL(`../demos/${demo}/dist/index.html`, import.meta.url))) {
    statics.push('--static', `/${demo}=demos/${demo}/dist`);
  }
}
step('starting beckon serve');
const args = ['--conditions=source', 'packages/cli/bin/beckon-dev.js', 'serve', '--host', process.env.BECKON_HOST ?? '127.0.0.1', '--port', process.env.BECKON_PORT ?? '9000', ...statics];
const server = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
