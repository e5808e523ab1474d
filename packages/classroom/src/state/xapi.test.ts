import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { callOn, emptyClassroom, lowerHand, notePresence, openPoll, postChat, publishPoll, raiseHand, vote } from './classroom-state.ts';
import { sendToLrs } from './lrs.ts';
import { participation, participationCsv } from './report.ts';
import { toXapi } from './xapi.ts';
import type { XapiStatement } from './xapi.ts';

const teacher = { id: 't-rivera', name: 'Ms Rivera' };
const options = { activityId: 'https://school.example/fractions', lessonName: 'Comparing fractions', homePage: 'https://school.example', uuid: () => 'id', teacher };

describe('xAPI export', () => {
  it('turns the session into statements with actor, verb IRI, object, result and timestamp, oldest first', () => {
    const data = emptyClassroom();
    raiseHand(data, 'a', 'Ada', Date.UTC(2025, 0, 6, 9, 0, 0));
    openPoll(data, { question: '7 × 8?', kind: 'custom', options: ['54', '56'], correct: [1] }, 'q1', Date.UTC(2025, 0, 6, 9, 1, 0));
    vote(data, 'a', 'Ada', { pollId: 'q1', choices: [1], text: '' }, Date.UTC(2025, 0, 6, 9, 1, 5));
    vote(data, 'b', 'Ben', { pollId: 'q1', choices: [0], text: '' }, Date.UTC(2025, 0, 6, 9, 1, 6));
    publishPoll(data, Date.UTC(2025, 0, 6, 9, 2, 0));
    postChat(data, { id: 'b', name: 'Ben' }, 'thanks!', false, Date.UTC(2025, 0, 6, 9, 3, 0));
    const statements = toXapi(data, options);
    expect(statements.map((s) => `${s.timestamp} ${s.actor.name} ${s.verb.id}`)).toEqual([
      '2025-01-06T09:00:00.000Z Ada https://w3id.org/xapi/virtual-classroom/verbs/raised-hand',
      '2025-01-06T09:01:00.000Z Ms Rivera http://adlnet.gov/expapi/verbs/asked',
      '2025-01-06T09:01:05.000Z Ada http://adlnet.gov/expapi/verbs/answered',
      '2025-01-06T09:01:06.000Z Ben http://adlnet.gov/expapi/verbs/answered',
      '2025-01-06T09:03:00.000Z Ben http://adlnet.gov/expapi/verbs/commented',
    ]);
    const ada = statements[2]!;
    expect(ada.actor).toEqual({ objectType: 'Agent', name: 'Ada', account: { homePage: 'https://school.example', name: 'a' } });
    expect(ada.result).toEqual({ response: 'choice-1', success: true });
    expect(ada.object).toMatchObject({ objectType: 'Activity', id: 'https://school.example/fractions#poll-q1', definition: { correctResponsesPattern: ['choice-1'] } });
    expect(statements[3]!.result!.success).toBe(false);
    // The real teacher asks, and is every statement's instructor.
    expect(statements[1]!.actor.account.name).toBe('t-rivera');
    expect(statements.every((s) => s.context.instructor?.name === 'Ms Rivera')).toBe(true);
    expect(statements[1]!.result!.extensions!['https://beckon.dev/xapi/extensions/counts']).toEqual({ '54': 1, '56': 1 });
  });

  it('exports every anonymous answer, without who gave it: one shared actor, the closing time, sorted', () => {
    const data = emptyClassroom();
    openPoll(data, { question: 'How do you feel?', kind: 'free-text', anonymous: true }, 'p', 1000);
    vote(data, 'a', 'Ada Secret', { pollId: 'p', choices: [], text: 'nervous' }, 2000);
    vote(data, 'b', 'Ben Secret', { pollId: 'p', choices: [], text: 'fine' }, 3000);
    publishPoll(data, 9000);
    const statements = toXapi(data, options);
    const answers = statements.filter((s) => s.verb.display['en-US'] === 'answered');
    expect(answers.map((s) => s.result!.response)).toEqual(['fine', 'nervous']);
    expect(new Set(answers.map((s) => JSON.stringify(s.actor))).size).toBe(1);
    expect(answers.every((s) => s.timestamp === new Date(9000).toISOString())).toBe(true);
    const json = JSON.stringify(statements);
    expect(json).not.toMatch(/Secret|"a"|"b"/);
  });

  it('marks private chat, names the student a private reply went to, and makes the student acted on the object', () => {
    const data = emptyClassroom();
    notePresence(data, { id: 'a', name: 'Ada' }, 0);
    postChat(data, { id: 'a', name: 'Ada' }, 'I am lost', true, 1000);
    postChat(data, teacher, 'Stay after class', false, 2000, { id: 'a', name: 'Ada' });
    postChat(data, { id: 'a', name: 'Ada' }, 'hello all', false, 2500);
    raiseHand(data, 'a', 'Ada', 3000);
    callOn(data, 'a', 4000, teacher);
    raiseHand(data, 'a', 'Ada', 5000);
    lowerHand(data, 'a', 6000, teacher);
    const statements = toXapi(data, options);
    const [question, reply, hello] = statements.filter((s) => s.verb.display['en-US'] === 'commented') as [XapiStatement, XapiStatement, XapiStatement];
    expect(question.context.extensions).toEqual({ 'https://beckon.dev/xapi/extensions/private': true });
    expect(hello.context.extensions).toEqual({ 'https://beckon.dev/xapi/extensions/private': false });
    expect(reply.actor.name).toBe('Ms Rivera');
    expect(reply.context.extensions!['https://beckon.dev/xapi/extensions/recipient']).toMatchObject({ objectType: 'Agent', name: 'Ada', account: { name: 'a' } });
    const acted = statements.filter((s) => s.actor.name === 'Ms Rivera' && s.verb.display['en-US'] !== 'commented');
    expect(acted.map((s) => [s.verb.display['en-US'], s.object])).toEqual([
      ['called on', { objectType: 'Agent', name: 'Ada', account: { homePage: 'https://school.example', name: 'a' } }],
      ['lowered hand', { objectType: 'Agent', name: 'Ada', account: { homePage: 'https://school.example', name: 'a' } }],
    ]);
  });
});

describe('lesson report', () => {
  it('counts joins, hands, answers and correct answers per student, and writes spreadsheet-safe CSV', () => {
    const data = emptyClassroom();
    notePresence(data, { id: 'a', name: 'Ada' }, 100);
    notePresence(data, { id: 'b', name: '=HYPERLINK("x")' }, 200);
    raiseHand(data, 'a', 'Ada', 300);
    openPoll(data, { question: 'Q', kind: 'letters', correct: [2] }, 'q', 400);
    vote(data, 'a', 'Ada', { pollId: 'q', choices: [2], text: '' }, 500);
    vote(data, 'b', 'B', { pollId: 'q', choices: [1], text: '' }, 600);
    publishPoll(data, 700);
    openPoll(data, { question: 'Secret', kind: 'yes-no', anonymous: true }, 's', 800);
    vote(data, 'a', 'Ada', { pollId: 's', choices: [0], text: '' }, 900);
    const rows = participation(data, new Set(['a']));
    expect(rows.map(({ name, present, hands, answers, correct, graded }) => ({ name, present, hands, answers, correct, graded }))).toEqual([
      { name: 'Ada', present: true, hands: 1, answers: 1, correct: 1, graded: 1 },
      { name: '=HYPERLINK("x")', present: false, hands: 0, answers: 1, correct: 0, graded: 1 },
    ]);
    const csv = participationCsv(rows).split('\r\n');
    expect(csv[0]).toBe('name,participant_id,joined_at,present,hands,answers,correct,graded,messages');
    expect(csv[2]).toBe(`"'=HYPERLINK(""x"")",b,${new Date(200).toISOString()},no,0,1,0,1,0`);
  });
});

describe('sending to an LRS', () => {
  it('POSTs the statements to <endpoint>/statements with the xAPI version header, and reports refusals', async () => {
    const received: { url: string; version: string | undefined; auth: string | undefined; body: unknown }[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const statements = JSON.parse(body) as XapiStatement[];
        received.push({ url: `${request.method} ${request.url}`, version: request.headers['x-experience-api-version'] as string | undefined, auth: request.headers.authorization, body: statements });
        // A receiver that checks what a real LRS checks: the version header, and actor/verb/object on each.
        const valid = request.headers['x-experience-api-version'] === '1.0.3' && Array.isArray(statements) && statements.every((s) => s.actor && s.verb?.id && s.object && s.timestamp);
        response.writeHead(valid ? 200 : 400, { 'Content-Type': 'application/json' });
        response.end(valid ? JSON.stringify(statements.map((_s, i) => `stored-${i}`)) : '{"error":"bad statements"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/xapi/`;
      const data = emptyClassroom();
      raiseHand(data, 'a', 'Ada', 1000);
      const statements = toXapi(data, options);
      expect(await sendToLrs(statements, { endpoint, authorization: 'Basic dTpw' })).toEqual({ ok: true, ids: ['stored-0'] });
      expect(received[0]).toMatchObject({ url: 'POST /xapi/statements', version: '1.0.3', auth: 'Basic dTpw', body: statements });
      const refused = await sendToLrs([{ ...statements[0]!, verb: { id: '', display: {} } }], { endpoint });
      expect(refused).toMatchObject({ ok: false, status: 400 });
      expect(await sendToLrs(statements, { endpoint: 'javascript:alert(1)' })).toMatchObject({ ok: false, status: 0 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
