import type { ClassroomData, LogVerb, PollRecord } from './classroom-state.ts';
import { tally } from './classroom-state.ts';

/** One xAPI statement (xAPI 1.0.3): who did what, to what, with what result, when. */
export interface XapiStatement {
  id: string;
  actor: { objectType: 'Agent'; name: string; account: { homePage: string; name: string } };
  verb: { id: string; display: Record<string, string> };
  object: {
    objectType: 'Activity';
    id: string;
    definition: {
      name: Record<string, string>;
      type: string;
      interactionType?: 'choice' | 'true-false' | 'fill-in';
      choices?: { id: string; description: Record<string, string> }[];
      correctResponsesPattern?: string[];
    };
  };
  result?: { response?: string; success?: boolean; extensions?: Record<string, unknown> };
  context: { contextActivities: { parent: { id: string; objectType: 'Activity' }[] }; platform: string };
  timestamp: string;
}

export interface XapiOptions {
  /** IRI of the lesson, e.g. the lesson page's URL without its hash. Poll and chat activities hang under it. */
  readonly activityId: string;
  readonly lessonName: string;
  /** `account.homePage` of actors (participants are identified by their room participant id). */
  readonly homePage: string;
  /** Statement ids; default crypto.randomUUID. */
  readonly uuid?: () => string;
}

/** Verb IRIs: ADL's vocabulary where it has one, the xAPI virtual-classroom profile for hands. */
export const verbs = {
  'raised-hand': { id: 'https://w3id.org/xapi/virtual-classroom/verbs/raised-hand', display: 'raised hand' },
  'lowered-hand': { id: 'https://w3id.org/xapi/virtual-classroom/verbs/lowered-hand', display: 'lowered hand' },
  'called-on': { id: 'http://id.tincanapi.com/verb/selected', display: 'called on' },
  chatted: { id: 'http://adlnet.gov/expapi/verbs/commented', display: 'commented' },
  reacted: { id: 'http://adlnet.gov/expapi/verbs/responded', display: 'reacted' },
  joined: { id: 'http://activitystrea.ms/join', display: 'joined' },
  left: { id: 'http://activitystrea.ms/leave', display: 'left' },
  asked: { id: 'http://adlnet.gov/expapi/verbs/asked', display: 'asked' },
  answered: { id: 'http://adlnet.gov/expapi/verbs/answered', display: 'answered' },
} as const;

const interactionType = 'http://adlnet.gov/expapi/activities/cmi.interaction';
const lessonType = 'http://adlnet.gov/expapi/activities/lesson';

/**
 * The session as xAPI statements, oldest first. Anonymous polls contribute one statement with the tallies only:
 * no statement says who answered them or what anyone chose.
 */
export function toXapi(data: ClassroomData, options: XapiOptions): XapiStatement[] {
  const uuid = options.uuid ?? (() => crypto.randomUUID());
  const context = { contextActivities: { parent: [{ id: options.activityId, objectType: 'Activity' as const }] }, platform: 'Beckon classroom' };
  const actor = (id: string, name: string): XapiStatement['actor'] => ({ objectType: 'Agent', name, account: { homePage: options.homePage, name: id } });
  const verb = (name: keyof typeof verbs): XapiStatement['verb'] => ({ id: verbs[name].id, display: { 'en-US': verbs[name].display } });
  const lesson: XapiStatement['object'] = { objectType: 'Activity', id: options.activityId, definition: { name: { 'en-US': options.lessonName }, type: lessonType } };
  const statements: { at: number; statement: XapiStatement }[] = [];

  for (const entry of data.log) {
    const statement: XapiStatement = {
      id: uuid(),
      actor: actor(entry.actorId, entry.actorName),
      verb: verb(entry.verb satisfies LogVerb),
      object: lesson,
      context,
      timestamp: new Date(entry.at).toISOString(),
    };
    if (entry.verb === 'chatted' || entry.verb === 'reacted') statement.result = { response: entry.detail };
    if ((entry.verb === 'lowered-hand' || entry.verb === 'called-on') && entry.detail !== '') {
      // The teacher acted on a student's hand: the student is the object.
      statement.result = { extensions: { 'https://beckon.dev/xapi/extensions/participant': entry.detail } };
    }
    statements.push({ at: entry.at, statement });
  }

  for (const poll of data.polls) {
    const object = pollActivity(poll, options.activityId);
    const { counts, respondents } = tally(poll);
    statements.push({
      at: poll.openedAt,
      statement: {
        id: uuid(),
        actor: actor('teacher', 'Teacher'),
        verb: verb('asked'),
        object,
        result: {
          extensions: {
            'https://beckon.dev/xapi/extensions/respondents': respondents,
            'https://beckon.dev/xapi/extensions/counts': Object.fromEntries(poll.options.map((option, i) => [option, counts[i] ?? 0])),
            'https://beckon.dev/xapi/extensions/anonymous': poll.anonymous,
          },
        },
        context,
        timestamp: new Date(poll.openedAt).toISOString(),
      },
    });
    if (poll.anonymous) continue;
    for (const [id, ballot] of Object.entries(poll.ballots)) {
      const response = poll.kind === 'free-text' ? ballot.text : ballot.choices.map((choice) => `choice-${choice}`).join('[,]');
      const result: NonNullable<XapiStatement['result']> = { response };
      if (poll.correct.length > 0) result.success = sameSet(ballot.choices, poll.correct);
      statements.push({
        at: ballot.at,
        statement: { id: uuid(), actor: actor(id, ballot.name), verb: verb('answered'), object, result, context, timestamp: new Date(ballot.at).toISOString() },
      });
    }
  }
  return statements.sort((a, b) => a.at - b.at).map(({ statement }) => statement);
}

function pollActivity(poll: PollRecord, lessonId: string): XapiStatement['object'] {
  const definition: XapiStatement['object']['definition'] = {
    name: { 'en-US': poll.question },
    type: interactionType,
    interactionType: poll.kind === 'free-text' ? 'fill-in' : 'choice',
  };
  if (poll.kind !== 'free-text') {
    definition.choices = poll.options.map((option, i) => ({ id: `choice-${i}`, description: { 'en-US': option } }));
    if (poll.correct.length > 0) definition.correctResponsesPattern = [poll.correct.map((i) => `choice-${i}`).join('[,]')];
  }
  return { objectType: 'Activity', id: `${lessonId.replace(/#.*$/, '')}#poll-${poll.id}`, definition };
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && [...a].sort().every((value, i) => value === [...b].sort()[i]);
}
