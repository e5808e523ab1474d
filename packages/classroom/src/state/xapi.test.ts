import { describe, expect, it } from 'vitest';
import { emptyClassroom, openPoll, postChat, publishPoll, raiseHand, vote } from './classroom-state.ts';
import { toXapi } from './xapi.ts';

const options = { activityId: 'https://school.example/fractions', lessonName: 'Comparing fractions', homePage: 'https://school.example', uuid: () => 'id' };

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
      '2025-01-06T09:01:00.000Z Teacher http://adlnet.gov/expapi/verbs/asked',
      '2025-01-06T09:01:05.000Z Ada http://adlnet.gov/expapi/verbs/answered',
      '2025-01-06T09:01:06.000Z Ben http://adlnet.gov/expapi/verbs/answered',
      '2025-01-06T09:03:00.000Z Ben http://adlnet.gov/expapi/verbs/commented',
    ]);
    const ada = statements[2]!;
    expect(ada.actor).toEqual({ objectType: 'Agent', name: 'Ada', account: { homePage: 'https://school.example', name: 'a' } });
    expect(ada.result).toEqual({ response: 'choice-1', success: true });
    expect(ada.object.id).toBe('https://school.example/fractions#poll-q1');
    expect(ada.object.definition.correctResponsesPattern).toEqual(['choice-1']);
    expect(statements[3]!.result!.success).toBe(false);
    expect(statements[1]!.result!.extensions!['https://beckon.dev/xapi/extensions/counts']).toEqual({ '54': 1, '56': 1 });
  });

  it('leaves out who answered an anonymous poll and what they chose', () => {
    const data = emptyClassroom();
    openPoll(data, { question: 'How do you feel?', kind: 'free-text', anonymous: true }, 'p', 1000);
    vote(data, 'a', 'Ada Secret', { pollId: 'p', choices: [], text: 'nervous' }, 2000);
    const json = JSON.stringify(toXapi(data, options));
    expect(json).not.toContain('Ada Secret');
    expect(json).not.toContain('nervous');
    expect(toXapi(data, options)).toHaveLength(1);
  });
});
