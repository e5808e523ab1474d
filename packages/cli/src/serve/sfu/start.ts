import type { SfuOptions } from '../options.ts';
import { JanusMissingError, startJanus } from './janus-process.ts';
import { janusInfo } from './janus-api.ts';
import type { SfuEndpoint } from './routes.ts';

/** The SFU while `beckon serve` runs. */
export interface RunningSfu extends SfuEndpoint {
  stop(): Promise<void>;
}

export { JanusMissingError };

/** Starts the local Janus (`--sfu`) or checks that the existing one answers (`--sfu-url`). */
export async function startSfu(options: SfuOptions): Promise<RunningSfu> {
  if (options.kind === 'external') {
    const info = await janusInfo(options.url);
    const version = String(info['version_string'] ?? 'unknown');
    return {
      apiUrl: options.url,
      publicUrl: options.publicUrl ?? options.url,
      adminKey: options.adminKey,
      status: () => ({ kind: 'external', url: options.publicUrl ?? options.url, version }),
      stop: async () => {},
    };
  }
  const janus = await startJanus(options);
  return {
    apiUrl: janus.url,
    publicUrl: options.publicUrl ?? janus.url,
    adminKey: janus.adminKey,
    status: () => ({ kind: 'local', url: options.publicUrl ?? janus.url, state: janus.state, pid: janus.pid ?? null, restarts: janus.restarts }),
    stop: () => janus.stop(),
  };
}
