import { listen } from './http-server.ts';
import { parseServeArgs, serveUsage } from './options.ts';
import type { ServeOptions } from './options.ts';
import { JanusMissingError, startSfu } from './sfu/start.ts';
import type { RunningSfu } from './sfu/start.ts';

/** Set by `startServer`: the server exits when its parent's pipe closes, so a crashed test leaves no server behind. */
export const exitWithStdinEnv = 'BECKON_SERVE_EXIT_WITH_STDIN';

/** `beckon serve`: runs until SIGINT or SIGTERM, then closes and resolves to the exit code. */
export async function serveCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(serveUsage);
    return 0;
  }
  const parsed = parseServeArgs(argv);
  if (!parsed.ok) {
    console.error(`beckon serve: ${parsed.error}\n${serveUsage}`);
    return 1;
  }
  const { options } = parsed;
  try {
    return await run(options);
  } finally {
    // The PeerServer's self re-arming timers (started as soon as it is mounted) would keep Node alive:
    // exit once main has set the exit code.
    setTimeout(() => process.exit(), 20).unref();
  }
}

async function run(options: ServeOptions): Promise<number> {
  let sfu: RunningSfu | undefined;
  if (options.sfu) {
    try {
      sfu = await startSfu(options.sfu);
    } catch (error: unknown) {
      const message = error instanceof JanusMissingError ? error.message : `cannot start the SFU: ${(error as Error).message}`;
      console.error(`beckon serve: ${message}`);
      return 1;
    }
  }
  let server;
  try {
    server = await listen(options, sfu);
  } catch (error: unknown) {
    console.error(`beckon serve: cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
    await sfu?.stop();
    return 1;
  }
  // Handlers go on before the listening line: whoever reads it may signal at once, and a signal with no
  // handler yet would kill the process with the default action.
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    if (process.env[exitWithStdinEnv] === '1') {
      process.stdin.on('data', () => {});
      process.stdin.once('end', () => resolve('parent gone'));
      process.stdin.once('close', () => resolve('parent gone'));
    }
  });
  // Before the listening line, which `startServer` waits for.
  if (sfu) console.log(`beckon serve sfu ${sfu.publicUrl}`);
  console.log(`beckon serve listening on ${server.url} (signalling path ${server.path})`);
  for (const { mount, dir } of options.statics) console.log(`beckon serve static ${mount} -> ${dir}`);
  const reason = await stopped;
  await server.close();
  await sfu?.stop();
  console.log(`beckon serve stopped (${reason})`);
  return 0;
}
