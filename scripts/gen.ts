// `pnpm gen`: regenerates every target in gen-targets.ts and removes generated modules no target produces.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GenError } from '../packages/cli/src/gen/generate.ts';
import { generateTarget, orphanedFiles } from '../packages/cli/src/gen/targets.ts';
import { targets } from './gen-targets.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

function run(): number {
  const written = new Set<string>();
  for (const target of targets) {
    let outputs: Map<string, string>;
    try {
      outputs = generateTarget(target, repoRoot);
    } catch (error) {
      if (!(error instanceof GenError)) throw error;
      console.error(`gen: ${target.out}: ${error.message}`);
      return 1;
    }
    mkdirSync(path.resolve(repoRoot, target.out), { recursive: true });
    for (const [file, source] of outputs) {
      written.add(file);
      let current: string | undefined;
      try {
        current = readFileSync(file, 'utf8');
      } catch {
        current = undefined;
      }
      const shown = path.relative(repoRoot, file);
      if (current === source) {
        console.log(`unchanged ${shown}`);
      } else {
        writeFileSync(file, source);
        console.log(`wrote     ${shown}`);
      }
    }
  }
  const outDirs = new Set(targets.map((target) => path.resolve(repoRoot, target.out)));
  for (const outDir of outDirs) {
    for (const orphan of orphanedFiles(outDir, written)) {
      rmSync(orphan);
      console.log(`removed   ${path.relative(repoRoot, orphan)}`);
    }
  }
  return 0;
}

process.exitCode = run();
