import type { Participant } from '@beckon/core';
import { appendToLog, h } from './dom.ts';
import { formatBytes, formatRtt, formatTime, initials } from './format.ts';
import type { SystemInfo } from './gen/support.ts';
import { earlierTabOf } from './same-device.ts';

export function avatar(participant: Pick<Participant, 'id' | 'name'>, color: string): HTMLElement {
  const element = h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(participant.name));
  element.style.setProperty('--cursor-color', color);
  return element;
}

const roleLabels: Record<string, string> = { host: 'Agent', member: 'Customer', observer: 'Observer' };

export interface PeopleOptions {
  readonly selfId: string;
  readonly colorOf: (id: string) => string;
  readonly rtt: ReadonlyMap<string, number>;
  /** Where RTT is unknown for a participant (members only measure the link to the host). */
  readonly rttNote: string;
  /** Where the link to a participant is down, what to show instead of a stale RTT. */
  readonly presence?: (participant: Participant) => 'here' | 'away' | 'left';
  /** Extra controls for a participant's row (the agent's "Request control"). */
  readonly actions?: (participant: Participant) => HTMLElement | undefined;
}

export function renderPeople(list: HTMLElement, count: HTMLElement, participants: readonly Participant[], options: PeopleOptions): void {
  const sorted = [...participants].sort((a, b) => Number(b.role === 'host') - Number(a.role === 'host') || a.joinedAt - b.joinedAt);
  list.replaceChildren(
    ...sorted.map((participant) => {
      const you = participant.id === options.selfId;
      const rtt = options.rtt.get(participant.id);
      const presence = you ? 'here' : (options.presence?.(participant) ?? 'here');
      // A last RTT shown after the link dropped would read as a healthy link.
      const rttText = you ? 'you' : presence === 'left' ? 'Left the session' : presence === 'away' ? 'disconnected · reconnecting…' : rtt !== undefined ? `RTT ${formatRtt(rtt)}` : options.rttNote;
      const action = you ? undefined : options.actions?.(participant);
      const first = earlierTabOf(participant, participants);
      return h(
        'li',
        { class: 'person', 'data-participant': participant.id, 'data-role': participant.role, 'data-presence': presence },
        avatar(participant, options.colorOf(participant.id)),
        h(
          'div',
          { class: 'person-body' },
          h('span', { class: 'person-name' }, participant.name, you ? h('span', { class: 'you' }, ' (you)') : null),
          first ? h('span', { class: 'other-tab' }, `another tab of ${first.name}${first.id === options.selfId ? ' (you)' : ''}`) : null,
          h('span', { class: 'person-meta' }, h('span', { class: `role role-${participant.role}` }, roleLabels[participant.role] ?? participant.role), h('span', { class: 'rtt' }, rttText)),
        ),
        action,
      );
    }),
  );
  count.textContent = String(participants.length);
}

export function chatEntry(from: Pick<Participant, 'id' | 'name'>, color: string, text: string, at: number, own: boolean): HTMLLIElement {
  const name = h('span', { class: 'chat-name' }, from.name);
  name.style.color = color;
  return h(
    'li',
    { class: own ? 'chat-entry own' : 'chat-entry', 'data-from': from.id },
    h('div', { class: 'chat-meta' }, name, h('time', { datetime: new Date(at).toISOString() }, formatTime(at))),
    h('p', { class: 'chat-text' }, text),
  );
}

export function systemCard(participant: Pick<Participant, 'id' | 'name' | 'role'>, color: string, info: SystemInfo, own: boolean): HTMLElement {
  const rows: [string, string][] = [
    ['Browser', info.browser],
    ['Platform', info.platform],
    ['Language', info.language],
    ['CPU cores', info.cores ? String(info.cores) : '–'],
    ['Screen', `${info.screenWidth} × ${info.screenHeight} @${Number(info.pixelRatio.toFixed(2))}x`],
    ['Time zone', info.timeZone || '–'],
    ['Memory', info.memoryGib ? `≥ ${formatBytes(info.memoryGib * 1024 ** 3)}` : '–'],
  ];
  return h(
    'article',
    { class: 'system-card', 'data-participant': participant.id, 'aria-label': `System information of ${participant.name}` },
    h('header', {}, avatar(participant, color), h('div', {}, h('h3', {}, participant.name, own ? ' (you)' : ''), h('span', { class: 'muted small' }, roleLabels[participant.role] ?? ''))),
    h('dl', {}, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
  );
}

export type ActivityKind = 'info' | 'good' | 'warn' | 'error';

export function logActivity(list: HTMLElement, kind: ActivityKind, text: string): void {
  const at = Date.now();
  appendToLog(list, h('li', { class: `activity-entry ${kind}` }, h('time', { datetime: new Date(at).toISOString() }, new Date(at).toLocaleTimeString()), h('span', {}, text)), 120);
}
