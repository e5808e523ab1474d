// Where the consumer apps live (outside the workspace) and how a test knows they were made from today's sources.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** Published packages, in dependency order. */
export const publishedPackages = ['core', 'peerjs', 'cli', 'game', 'media', 'classroom'] as const;
export type PublishedPackage = (typeof publishedPackages)[number];

/** Outside the repository, so nothing resolves through the workspace's node_modules or tsconfig. */
export const consumerDir = process.env['BECKON_CONSUMER_DIR'] ?? path.join(tmpdir(), 'beckon-consumer');
export const tarballDir = path.join(consumerDir, 'tarballs');
export const manifestPath = path.join(consumerDir, 'manifest.json');
export const appNames = ['node-app', 'vite-app', 'static-page'] as const;
export type AppName = (typeof appNames)[number];
export const appDir = (app: AppName): string => path.join(consumerDir, app);

export interface ConsumerManifest {
  /** Hash of everything that goes into the tarballs and the apps (see `sourceHash`). */
  readonly sourceHash: string;
  /** Package directory name → tarball path. */
  readonly tarballs: Record<PublishedPackage, string>;
  /** The current LTS's `node` binary, from the registry's `node` package. */
  readonly node24: string;
  /** The workspace installed and type-checked with a current pnpm, from a copy of its tracked files. */
  readonly pnpm12: {
    readonly version: string;
    readonly install: ToolchainStep;
    readonly lockfileUnchanged: boolean;
    readonly typecheck: ToolchainStep;
    readonly nativeModule: ToolchainStep;
  };
}

export interface ToolchainStep {
  readonly code: number;
  /** The end of what it printed. */
  readonly output: string;
}

function* files(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    // Build output (dist, and the cli's copied protos) is made from the rest.
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'protos' || entry.name === '.tsbuildinfo') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (statSync(full).isFile()) yield full;
  }
}

/** Sources, package manifests, the build script and the app fixtures: if any changed, the prepared apps are stale. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  const inputs = [
    ...publishedPackages.flatMap((name) => [...files(path.join(repoRoot, 'packages', name))]),
    path.join(repoRoot, 'protos/beckon/options.proto'),
    path.join(repoRoot, 'scripts/build.mjs'),
    path.join(repoRoot, 'scripts/tsconfig.lib.json'),
    ...files(path.join(repoRoot, 'scripts/consumer/apps')),
    fileURLToPath(new URL('./prepare.ts', import.meta.url)),
  ];
  for (const file of inputs) {
    hash.update(path.relative(repoRoot, file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

export function readManifest(): ConsumerManifest | undefined {
  try {
    return JSON.parse(readFileSync(manifestPath, 'utf8')) as ConsumerManifest;
  } catch {
    return undefined;
  }
}
