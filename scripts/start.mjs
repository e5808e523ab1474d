// `npm start`: installs what is missing (pnpm, dependencies), builds the demos, then runs `beckon serve` with the
// signalling server and every built demo on http://127.0.0.1:9000 (override with BECKON_HOST / BECKON_PORT).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pnpmVersion = '9.15.9';

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

if (spawnSync('pnpm', ['--version'], { stdio: 'ignore' }).status !== 0) {
  step(`installing pnpm@${pnpmVersion}`);
  run('npm', ['install', '-g', `pnpm@${pnpmVersion}`]);
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
const args = ['packages/cli/bin/beckon.js', 'serve', '--host', process.env.BECKON_HOST ?? '127.0.0.1', '--port', process.env.BECKON_PORT ?? '9000', ...statics];
const server = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
