const usage = `Usage:
  beckon serve [--host 127.0.0.1] [--port 9000] [--path /peerjs] [--static dir]...
  beckon gen <file.proto...> --out <dir> [--target ts|js] [--longs bigint|string] [--runtime @beckon/core] [--proto-path dir]...
  beckon help`;

/** Runs the `beckon` command line; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'gen': {
      const { genCommand } = await import('./gen/command.ts');
      return genCommand(rest);
    }
    case 'serve': {
      const { serveCommand } = await import('./serve/command.ts');
      return serveCommand(rest);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(usage);
      return command === undefined ? 1 : 0;
    default:
      console.error(`beckon: unknown command "${command}"\n${usage}`);
      return 1;
  }
}
