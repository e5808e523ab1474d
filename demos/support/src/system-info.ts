import type { MessageInit } from '@beckon/core';
import type { SystemInfo } from './gen/support.ts';

/** Browser name and major version from a user agent string; the order matters (Edge and Opera say "Chrome" too). */
export function describeBrowser(userAgent: string): string {
  const rules: [RegExp, string][] = [
    [/Edg\/(\d+)/, 'Edge'],
    [/OPR\/(\d+)/, 'Opera'],
    [/Firefox\/(\d+)/, 'Firefox'],
    [/Chrom(?:e|ium)\/(\d+)/, 'Chromium'],
    [/Version\/(\d+)[^ ]* .*Safari\//, 'Safari'],
  ];
  for (const [pattern, name] of rules) {
    const match = pattern.exec(userAgent);
    if (match) return `${name === 'Chromium' && !/Chromium\//.test(userAgent) ? 'Chrome' : name} ${match[1]}`;
  }
  return 'Unknown browser';
}

interface NavigatorLike {
  readonly userAgent: string;
  readonly language: string;
  readonly hardwareConcurrency: number;
  readonly platform?: string;
  readonly userAgentData?: { readonly platform?: string };
  readonly deviceMemory?: number;
}

/** What the customer's browser says about itself, for the agent's cards. */
export function collectSystemInfo(
  nav: NavigatorLike,
  screen: Pick<Screen, 'width' | 'height'>,
  pixelRatio: number,
  timeZone: string,
): MessageInit<SystemInfo> {
  return {
    browser: describeBrowser(nav.userAgent),
    platform: nav.userAgentData?.platform || nav.platform || 'Unknown',
    language: nav.language,
    cores: nav.hardwareConcurrency || 0,
    screenWidth: screen.width,
    screenHeight: screen.height,
    pixelRatio,
    timeZone,
    memoryGib: nav.deviceMemory ?? 0,
  };
}
