// The (beckon.*) message options: checked with file:line, read into settings, deprecated policy names warned about.
import protobuf from 'protobufjs';
import { typeId } from '@beckon/core';
import { allTypes, displayPath, fileOf, fullName, GenError, lineOf } from './load.ts';
import { escapeRegExp } from './names.ts';

const lanes: Record<string, string> = {
  LANE_DEFAULT: 'reliable', RELIABLE: 'reliable', UNRELIABLE: 'unreliable', PARTIAL: 'partial',
  0: 'reliable', 1: 'reliable', 2: 'unreliable', 3: 'partial',
};

/** Policy names that say who may send to whom, and the backwards-reading names they replace (same numbers). */
const policies: Record<string, string> = {
  POLICY_DEFAULT: 'member-to-host', MEMBER_TO_HOST: 'member-to-host', MEMBER_TO_EVERYONE: 'member-to-everyone',
  HOST_TO_MEMBERS: 'host-to-members', HOST_ONLY: 'member-to-host', EVERYONE: 'member-to-everyone', NOBODY: 'host-to-members',
  0: 'member-to-host', 1: 'member-to-host', 2: 'member-to-everyone', 3: 'host-to-members',
};
export const deprecatedPolicies: Readonly<Record<string, string>> = {
  HOST_ONLY: 'MEMBER_TO_HOST',
  EVERYONE: 'MEMBER_TO_EVERYONE',
  NOBODY: 'HOST_TO_MEMBERS',
};
const policyNames = ['POLICY_DEFAULT', 'MEMBER_TO_HOST', 'MEMBER_TO_EVERYONE', 'HOST_TO_MEMBERS'];

const known = ['(beckon.lane)', '(beckon.policy)', '(beckon.max_bytes)', '(beckon.max_rate)'];

export interface Settings {
  readonly lane: string;
  readonly policy: string;
  readonly maxBytes: number;
  readonly maxRate: number;
}

function where(type: protobuf.Type, key: string, value: unknown, baseDir: string): string {
  const file = fileOf(type);
  if (!file) return '';
  const line = lineOf(file, new RegExp(`${escapeRegExp(key)}\\s*=\\s*${escapeRegExp(String(value))}\\b`));
  return `${displayPath(file, baseDir)}${line ? `:${line}` : ''}: `;
}

/**
 * Checks a message's Beckon options and returns its settings. A typo would silently fall back to the default, so
 * unknown names fail; deprecated policy names work but go to `warn`.
 */
export function settingsOf(type: protobuf.Type, baseDir: string, warn: (message: string) => void): Settings {
  const options = type.options ?? {};
  for (const [key, value] of Object.entries(options)) {
    if (!key.startsWith('(beckon.')) continue;
    const at = where(type, key, value, baseDir);
    if (!known.includes(key)) throw new GenError(`${at}${fullName(type)}: unknown option ${key} (Beckon has ${known.join(', ')})`);
    if (key === '(beckon.max_bytes)' || key === '(beckon.max_rate)') {
      if (!Number.isInteger(value) || (value as number) < 0) {
        throw new GenError(`${at}${fullName(type)}: ${key} must be a non-negative integer, got ${String(value)}`);
      }
    } else if (key === '(beckon.lane)' && lanes[String(value)] === undefined) {
      throw new GenError(`${at}${fullName(type)}: unknown value ${String(value)} for ${key} (expected one of LANE_DEFAULT, RELIABLE, UNRELIABLE, PARTIAL)`);
    } else if (key === '(beckon.policy)') {
      if (policies[String(value)] === undefined) {
        throw new GenError(`${at}${fullName(type)}: unknown value ${String(value)} for ${key} (expected one of ${policyNames.join(', ')})`);
      }
      const replacement = deprecatedPolicies[String(value)];
      if (replacement) {
        warn(`${at}${fullName(type)}: (beckon.policy) = ${String(value)} is deprecated (the old name reads backwards); use ${replacement}, which means the same`);
      }
    }
  }
  return {
    lane: lanes[String(options['(beckon.lane)'] ?? 0)] ?? 'reliable',
    policy: policies[String(options['(beckon.policy)'] ?? 0)] ?? 'member-to-host',
    maxBytes: Number(options['(beckon.max_bytes)'] ?? 0),
    maxRate: Number(options['(beckon.max_rate)'] ?? 0),
  };
}

/** Two message types whose names hash to the same wire id could not share a room. */
export function checkTypeIds(root: protobuf.Root, baseDir: string): void {
  const byId = new Map<number, protobuf.Type>();
  for (const type of allTypes(root)) {
    if (fullName(type).startsWith('google.protobuf.')) continue;
    const id = typeId(fullName(type));
    const other = byId.get(id);
    if (other) {
      const from = (t: protobuf.Type): string => {
        const file = fileOf(t);
        return file ? ` (${displayPath(file, baseDir)})` : '';
      };
      throw new GenError(
        `type id collision: ${fullName(other)}${from(other)} and ${fullName(type)}${from(type)} both hash to 0x${id.toString(16)}; rename one`,
      );
    }
    byId.set(id, type);
  }
}
