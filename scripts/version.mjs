// `node scripts/version.mjs <version>`: one version for every Beckon package (published packages and demos alike), and
// a section for it at the top of docs/changelog.md to fill in. pnpm turns `workspace:^` ranges into it on publish.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const version = process.argv[2] ?? '';
if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) {
  console.error('usage: node scripts/version.mjs <major.minor.patch>');
  process.exit(1);
}
for (const folder of ['packages', 'demos']) {
  for (const name of readdirSync(`${root}${folder}`)) {
    const file = `${root}${folder}/${name}/package.json`;
    let json;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    json.version = version;
    writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  }
}
const changelog = `${root}docs/changelog.md`;
const text = readFileSync(changelog, 'utf8');
if (!text.includes(`\n## ${version}\n`)) {
  writeFileSync(changelog, text.replace(/\n## /, `\n## ${version}\n\n- …\n\n## `));
}
console.log(`every package is now ${version}; describe it in docs/changelog.md`);
