/**
 * Debian's Chromium and the launch flags that work on this machine (DESIGN.md): without
 * --allow-loopback-in-peer-connection and camera permission there are no ICE candidates on loopback, and the
 * background-networking flags keep Chromium from calling out. Shared by every test and benchmark that drives it.
 */
export const chromiumPath = process.env['BECKON_CHROMIUM'] ?? '/usr/bin/chromium';

export const chromiumArgs: string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--mute-audio',
  '--allow-loopback-in-peer-connection',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];
