// `pnpm build`: compiles every published package to dist/ (ES modules, declarations, source maps) with tsc
// project references, then the classroom's one-file bundle with Vite. What `pnpm pack` ships is this output only;
// inside the workspace, tests and demos keep reading the TypeScript sources (see each package's publishConfig).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Every package that is not private is published (scripts/release.test.ts holds the list); `tsc -b` orders them. */
const publishedPackages = readdirSync(path.join(root, 'packages')).filter((name) => {
  try {
    return JSON.parse(readFileSync(path.join(root, 'packages', name, 'package.json'), 'utf8')).private !== true;
  } catch {
    return false;
  }
});

function run(command, args, cwd = root) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: "${command} ${args.join(' ')}" failed`);
    process.exit(result.status ?? 1);
  }
}

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else yield full;
  }
}

/**
 * tsc rewrites `./x.ts` to `./x.js` in JavaScript but keeps it in declarations, which a consumer's compiler
 * rejects (TS5097) or cannot resolve under node16 resolution: give the declarations the same specifiers.
 */
function rewriteDeclarationImports(dist) {
  const relativeTs = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g;
  let files = 0;
  for (const file of walk(dist)) {
    if (!file.endsWith('.d.ts')) continue;
    const source = readFileSync(file, 'utf8');
    const rewritten = source.replace(relativeTs, '$1$2.js$3');
    if (rewritten !== source) {
      writeFileSync(file, rewritten);
      files++;
    }
  }
  return files;
}

const started = performance.now();
const dirs = publishedPackages.map((name) => path.join(root, 'packages', name));
for (const dir of dirs) rmSync(path.join(dir, 'dist'), { recursive: true, force: true });

console.log(`▸ tsc -b ${publishedPackages.join(', ')}`);
run(path.join(root, 'node_modules/.bin/tsc'), ['-b', ...dirs.map((dir) => path.join(dir, 'tsconfig.build.json'))]);
for (const dir of dirs) {
  rmSync(path.join(dir, 'dist/.tsbuildinfo'), { force: true });
  rewriteDeclarationImports(path.join(dir, 'dist'));
}

// `beckon gen` resolves `import "beckon/options.proto"` from the package itself once installed.
const cliProtos = path.join(root, 'packages/cli/protos/beckon');
mkdirSync(cliProtos, { recursive: true });
copyFileSync(path.join(root, 'protos/beckon/options.proto'), path.join(cliProtos, 'options.proto'));

// The manifest names the compiled modules, which are what the package ships.
const manifest = readFileSync(path.join(root, 'packages/classroom/custom-elements.json'), 'utf8');
writeFileSync(
  path.join(root, 'packages/classroom/dist/custom-elements.json'),
  manifest.replace(/"src\/([^"]+)\.ts"/g, '"dist/$1.js"'),
);

console.log('▸ vite build (the classroom one-file bundle)');
run(path.join(root, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], path.join(root, 'packages/classroom'));
const bundle = path.join(root, 'packages/classroom/dist/beckon-classroom.js');
const gzipped = gzipSync(readFileSync(bundle)).length;
console.log(`  dist/beckon-classroom.js: ${(statSync(bundle).size / 1024).toFixed(1)} KiB, ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
console.log(`▸ built ${publishedPackages.length} packages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
