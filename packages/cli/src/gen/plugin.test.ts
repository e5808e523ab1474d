// protoc-gen-beckon: driven by the real `buf generate` (@bufbuild/buf from npm), its output matches `beckon gen`'s.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from './generate.ts';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const plugin = fileURLToPath(new URL('../../bin/protoc-gen-beckon-dev.js', import.meta.url));
const buf = path.join(path.dirname(createRequire(import.meta.url).resolve('@bufbuild/buf/package.json')), 'bin/buf');
const dir = mkdtempSync(path.join(tmpdir(), 'beckon-buf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const schema = `syntax = "proto3";
package lab;
import "beckon/options.proto";
import "google/protobuf/timestamp.proto";

message Reading {
  option (beckon.lane) = UNRELIABLE;
  option (beckon.policy) = MEMBER_TO_EVERYONE;
  string sensor = 1;
  int64 at = 2;
  optional double value = 3;
  oneof detail {
    string fault = 4;
    bool calibrated = 5;
  }
  map<string, Unit> units = 6;
  google.protobuf.Timestamp taken = 7;
}

enum Unit {
  UNIT_UNSPECIFIED = 0;
  CELSIUS = 1;
}

message Alarm {
  option (beckon.policy) = NOBODY;
  option (beckon.max_bytes) = 256;
  Reading reading = 1;
}
`;

function write(relative: string, text: string): string {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

describe('protoc-gen-beckon', () => {
  write('proto/lab/lab.proto', schema);
  mkdirSync(path.join(dir, 'vendor/beckon'), { recursive: true });
  copyFileSync(path.join(repoRoot, 'protos/beckon/options.proto'), path.join(dir, 'vendor/beckon/options.proto'));
  write('buf.yaml', 'version: v2\nmodules:\n  - path: proto\n  - path: vendor\n');
  const genYaml = (opt: string, out: string): string =>
    `version: v2\ninputs:\n  - directory: proto\nplugins:\n  - local: ["${process.execPath}", "--conditions=source", "${plugin}"]\n    out: ${out}\n    opt: ${opt}\n`;

  it('runs under `buf generate` and writes what `beckon gen` writes', () => {
    write('buf.gen.yaml', genYaml('target=ts', 'gen'));
    const result = spawnSync(buf, ['generate'], { cwd: dir, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    // Descriptors carry option values as numbers, so a deprecated alias (NOBODY = 3) reads as its new name.
    const fromBuf = readFileSync(path.join(dir, 'gen/lab.ts'), 'utf8');
    const fromGen = generate({ files: [path.join(dir, 'proto/lab/lab.proto')], protoPaths: [path.join(dir, 'vendor')], baseDir: path.join(dir, 'proto') })
      .get('lab.ts') ?? '';
    // Same code; only the header (how to regenerate), comments (descriptors carry none here) and the order of
    // top-level declarations (descriptors list messages before enums) may differ.
    const body = (source: string): string[] =>
      source.split('\n').slice(1).filter((line) => !/^\s*(\/\*\*|\*)/.test(line)).join('\n').split('\n\n').sort();
    expect(body(fromBuf)).toEqual(body(fromGen));
    expect(fromBuf).toContain("policy: 'host-to-members',");
    expect(fromBuf).toContain('maxBytes: 256,');
    expect(fromBuf).toContain("lane: 'unreliable',");
    expect(fromBuf).toContain('value?: number | undefined;');
    expect(fromBuf).toContain('taken?: Date | undefined;');
  }, 60_000);

  it('takes target=js and longs=string, and reports bad parameters as an error', () => {
    write('buf.gen.yaml', genYaml('target=js,longs=string', 'gen-js'));
    const result = spawnSync(buf, ['generate'], { cwd: dir, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'gen-js/lab.js'), 'utf8')).toContain('export const Reading = defineMessage({');
    expect(readFileSync(path.join(dir, 'gen-js/lab.d.ts'), 'utf8')).toContain('at: string;');
    write('buf.gen.yaml', genYaml('target=go', 'gen-bad'));
    const bad = spawnSync(buf, ['generate'], { cwd: dir, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown parameter "target=go"/);
  }, 60_000);

  it('is listed as a bin of @beckon/cli', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'packages/cli/package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin['protoc-gen-beckon']).toBe('./bin/protoc-gen-beckon.js');
  });
});
