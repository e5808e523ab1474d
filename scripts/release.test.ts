// One version across every package, with a changelog section for it; and the README's install story for each package.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishedPackages, repoRoot } from './consumer/workdir.ts';

const manifests = ['packages', 'demos'].flatMap((folder) =>
  readdirSync(path.join(repoRoot, folder))
    .map((name) => path.join(repoRoot, folder, name, 'package.json'))
    .filter((file) => existsSync(file))
    .map((file) => ({ file, json: JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string; private?: boolean } })),
);

describe('release hygiene', () => {
  it('gives every package one version, with a changelog section for it', () => {
    const versions = new Set(manifests.map(({ json }) => json.version));
    expect(versions.size, manifests.map(({ json }) => `${json.name}@${json.version}`).join(', ')).toBe(1);
    const [version] = versions;
    expect(readFileSync(path.join(repoRoot, 'docs/changelog.md'), 'utf8')).toContain(`\n## ${version}\n`);
  });

  it('publishes exactly the six library packages; the rest stay private', () => {
    const published = manifests.filter(({ json }) => json.private !== true).map(({ json }) => json.name).sort();
    expect(published).toEqual(publishedPackages.map((name) => `@beckon/${name}`).sort());
  });

  it.each(publishedPackages)('@beckon/%s has its README, the MIT LICENSE, and the README tells how to install it', (name) => {
    const dir = path.join(repoRoot, 'packages', name);
    expect(readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toBe(readFileSync(path.join(repoRoot, 'packages/core/LICENSE'), 'utf8'));
    expect(readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(existsSync(path.join(dir, 'README.md'))).toBe(true);
    expect(readFileSync(path.join(repoRoot, 'README.md'), 'utf8')).toMatch(new RegExp(`npm install[^\\n]*@beckon/${name}`));
  });
});
