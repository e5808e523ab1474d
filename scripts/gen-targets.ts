/**
 * Every module `pnpm gen` generates. Paths are relative to the repository root. Append a target for each
 * package or demo with its own .proto files; `runtime` is the module generated code imports from
 * (`@beckon/core` everywhere except inside core itself).
 */
export interface GenTarget {
  readonly files: readonly string[];
  readonly out: string;
  readonly runtime: string;
}

export const targets: GenTarget[] = [
  {
    files: ['protos/beckon/envelope.proto', 'protos/beckon/control.proto'],
    out: 'packages/core/src/gen',
    // Core cannot import itself by package name.
    runtime: '../schema.ts',
  },
  {
    // Core's test schema (test-utils/test-schema.ts re-exports it).
    files: ['protos/test/core-test.proto'],
    out: 'packages/core/src/test-utils/gen',
    runtime: '../../schema.ts',
  },
  {
    // The conformance suite's schema (packages/cli/src/gen/conformance/).
    files: ['protos/test/conformance.proto'],
    out: 'packages/cli/src/gen/conformance/gen',
    runtime: '@beckon/core',
  },
  {
    // The generator's own fixture: its tests import it.
    files: ['protos/examples/sensors.proto'],
    out: 'packages/cli/src/gen/fixtures',
    runtime: '@beckon/core',
  },
  {
    files: ['protos/demos/support.proto'],
    out: 'demos/support/src/gen',
    runtime: '@beckon/core',
  },
  {
    // The README's custom-schema example.
    files: ['protos/examples/sensors.proto'],
    out: 'demos/sensors/src/gen',
    runtime: '@beckon/core',
  },
  {
    files: ['protos/classroom/classroom.proto'],
    out: 'packages/classroom/src/gen',
    runtime: '@beckon/core',
  },
  {
    files: ['protos/game/game.proto'],
    out: 'packages/game/src/gen',
    runtime: '@beckon/core',
  },
  {
    // The codec benchmark's mix: static codecs, measured against reflection over the same .proto.
    files: ['packages/bench/protos/bench.proto'],
    out: 'packages/bench/src/gen',
    runtime: '@beckon/core',
  },
  {
    // The network benchmarks' messages (round trips, bulk, lanes under loss, fan-out, floods).
    files: ['packages/bench/protos/benchnet.proto'],
    out: 'packages/bench/src/lab/gen',
    runtime: '@beckon/core',
  },
  {
    files: ['protos/media/media.proto'],
    out: 'packages/media/src/gen',
    runtime: '@beckon/core',
  },
];
