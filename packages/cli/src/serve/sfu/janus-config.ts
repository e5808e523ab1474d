import { readdirSync } from 'node:fs';

/** What `beckon serve --sfu` tells Janus; everything else is off. */
export interface JanusConfigOptions {
  /** WebSocket API address (loopback by default: a reverse proxy or the same machine reaches it). */
  readonly wsHost: string;
  readonly wsPort: number;
  /** Interfaces or address prefixes ICE may use (`ice_enforce_list`); empty lets libnice pick. */
  readonly iceInterfaces: readonly string[];
  /** First and last UDP port for RTP. */
  readonly rtpPorts: readonly [number, number];
  /** Rooms can be created only with this key: only `beckon serve` (which hands rooms to hosts) has it. */
  readonly adminKey: string;
  /** Where the Debian package keeps plugins and transports. */
  readonly libDir: string;
  readonly configDir: string;
  /** Janus's own log level, 0-7. */
  readonly debugLevel: number;
}

export const janusLibDir = '/usr/lib/x86_64-linux-gnu/janus';

/** Plugins and transports Beckon needs; the rest are disabled so a stranger finds nothing else to talk to. */
const keepPlugins = new Set(['libjanus_videoroom.so']);
const keepTransports = new Set(['libjanus_websockets.so']);

/** The files of a Janus configuration folder, by name (`janus -F <folder>`). */
export function janusConfigFiles(options: JanusConfigOptions): Record<string, string> {
  const others = (dir: string, keep: Set<string>): string =>
    listSharedObjects(`${options.libDir}/${dir}`).filter((name) => !keep.has(name)).join(',');
  const [first, last] = options.rtpPorts;
  const nat = options.iceInterfaces.length > 0 ? `\tice_enforce_list = ${quote(options.iceInterfaces.join(','))}\n` : '';
  return {
    'janus.jcfg': `general: {
\tconfigs_folder = ${quote(options.configDir)}
\tplugins_folder = ${quote(`${options.libDir}/plugins`)}
\ttransports_folder = ${quote(`${options.libDir}/transports`)}
\tevents_folder = ${quote(`${options.libDir}/events`)}
\tloggers_folder = ${quote(`${options.libDir}/loggers`)}
\tdebug_level = ${options.debugLevel}
\tsession_timeout = 60
}
media: {
\trtp_port_range = "${first}-${last}"
}
nat: {
\tnice_debug = false
${nat}}
plugins: {
\tdisable = ${quote(others('plugins', keepPlugins))}
}
transports: {
\tdisable = ${quote(others('transports', keepTransports))}
}
loggers: {
\tdisable = ${quote(listSharedObjects(`${options.libDir}/loggers`).join(','))}
}
events: {
\tbroadcast = false
\tdisable = ${quote(listSharedObjects(`${options.libDir}/events`).join(','))}
}
`,
    'janus.transport.websockets.jcfg': `general: {
\tjson = "compact"
\tws = true
\tws_port = ${options.wsPort}
\tws_ip = ${quote(options.wsHost)}
\twss = false
}
admin: {
\tadmin_ws = false
\tadmin_wss = false
}
`,
    // No rooms in the file: every room is made through the API, with a pin, a secret and publisher tokens.
    'janus.plugin.videoroom.jcfg': `general: {
\tadmin_key = ${quote(options.adminKey)}
\tlock_rtp_forward = true
}
`,
  };
}

function listSharedObjects(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.so')).sort();
  } catch {
    return [];
  }
}

/** A libconfig string literal. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
