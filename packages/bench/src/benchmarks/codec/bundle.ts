// The classroom one-file bundle's size, and whether protobufjs reflection (and its run-time code generation) is in it.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface BundleSize {
  readonly label: string;
  /** Minified bytes. */
  readonly raw: number;
  /** Minified, then gzip -9. */
  readonly gzip: number;
  /** protobufjs reflection (Root/Type/codegen) is bundled. */
  readonly reflection: boolean;
  /** The bundle calls `new Function(` or `eval(` (what a strict CSP blocks). */
  readonly evals: boolean;
}

const bundleFile = fileURLToPath(new URL('../../../../classroom/dist/beckon-classroom.js', import.meta.url));

/**
 * Before `beckon gen` v2: `pnpm build` at main 14fb03f (what this branch last merged), measured the same way (see docs/benchmarks.md). Kept as data
 * because building the old tree is not part of a benchmark run.
 */
export const beforeV2: BundleSize = { label: 'main 14fb03f', raw: 516_413, gzip: 134_564, reflection: true, evals: true };

/** What a bundle's source says about itself. */
export function measureBundle(label: string, source: Buffer): BundleSize {
  const text = source.toString('utf8');
  return {
    label,
    raw: source.length,
    gzip: gzipSync(source, { level: 9 }).length,
    // Marker strings only reflection carries: its codegen's generated-function names and error texts.
    reflection: /no such type|illegal proto3 field|Type\.prototype\.setup|fromJSON\(/.test(text) && /codegen|\$root/.test(text),
    evals: /new Function\(|\bFunction\.apply\(|\bFunction\(\s*[a-zA-Z_$"'`]|\beval\(/.test(text),
  };
}

export function classroomBundle(): { before: BundleSize; current: BundleSize | undefined } {
  return { before: beforeV2, current: existsSync(bundleFile) ? measureBundle('this build', readFileSync(bundleFile)) : undefined };
}
