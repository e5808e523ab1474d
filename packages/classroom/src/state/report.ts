import type { ClassroomData } from './classroom-state.ts';

/** One student's part in the lesson, as the teacher's report shows it. */
export interface ParticipationRow {
  readonly participantId: string;
  readonly name: string;
  /** Host clock of the first join. */
  readonly joinedAt: number;
  /** In the class now. */
  readonly present: boolean;
  readonly hands: number;
  /** Polls answered (anonymous polls are not counted per student). */
  readonly answers: number;
  /** Quiz answers (polls with a correct answer) that were right, out of `graded` answered. */
  readonly correct: number;
  readonly graded: number;
  readonly messages: number;
}

/** Participation per student, in the order they first joined. Anonymous polls say nothing about anyone. */
export function participation(data: ClassroomData, present: ReadonlySet<string>): ParticipationRow[] {
  const rows = new Map<string, { name: string; joinedAt: number; hands: number; answers: number; correct: number; graded: number; messages: number }>();
  for (const [id, entry] of Object.entries(data.roster)) rows.set(id, { name: entry.name, joinedAt: entry.firstJoinedAt, hands: 0, answers: 0, correct: 0, graded: 0, messages: 0 });
  for (const entry of data.log) {
    const row = rows.get(entry.actorId);
    if (!row) continue;
    if (entry.verb === 'raised-hand') row.hands++;
    else if (entry.verb === 'chatted') row.messages++;
  }
  for (const poll of data.polls) {
    if (poll.anonymous) continue;
    const correct = [...poll.correct].sort((a, b) => a - b).join();
    for (const [id, ballot] of Object.entries(poll.ballots)) {
      const row = rows.get(id);
      if (!row) continue;
      row.answers++;
      if (poll.correct.length === 0) continue;
      row.graded++;
      if ([...ballot.choices].sort((a, b) => a - b).join() === correct) row.correct++;
    }
  }
  return [...rows.entries()]
    .map(([participantId, row]) => ({ participantId, ...row, present: present.has(participantId) }))
    .sort((a, b) => a.joinedAt - b.joinedAt || a.name.localeCompare(b.name));
}

/** The report as CSV (RFC 4180), safe to open in a spreadsheet: a cell that starts like a formula is quoted as text. */
export function participationCsv(rows: readonly ParticipationRow[]): string {
  const header = ['name', 'participant_id', 'joined_at', 'present', 'hands', 'answers', 'correct', 'graded', 'messages'];
  const lines = rows.map((row) =>
    [row.name, row.participantId, new Date(row.joinedAt).toISOString(), row.present ? 'yes' : 'no', row.hands, row.answers, row.correct, row.graded, row.messages].map(csvCell).join(','),
  );
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}

function csvCell(value: string | number): string {
  let text = String(value);
  // A name such as `=HYPERLINK(...)` must stay a name in Excel or LibreOffice.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
