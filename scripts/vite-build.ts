// Builds a Vite project for a test into a folder of its own. Test files run at once, and several build the classroom
// demo and bundle: into the projects' own dist/ they wrote the same files at the same time (and the bundle the
// consumer tests pack), so one test could serve another's half-written output.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** `vite build` of the project in `cwd`; resolves to the folder it wrote (`removeBuild` it when done). */
export function viteBuild(cwd: string): Promise<string> {
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const outDir = mkdtempSync(path.join(tmpdir(), `beckon-${path.basename(cwd)}-`));
  return new Promise((resolve, reject) => {
    const args = [vite, 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'];
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(outDir) : reject(new Error(`vite build in ${cwd} failed:\n${output}`))));
  });
}

/** Removes what `viteBuild` wrote. */
export function removeBuild(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}
