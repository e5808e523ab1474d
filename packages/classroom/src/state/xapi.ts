import type { ClassroomData, LogVerb, PollRecord } from './classroom-state.ts';
import { tally } from './classroom-state.ts';

type Agent = { objectType: 'Agent'; name: string; account: { homePage: string; name: string } };

interface Activity {
  objectType: 'Activity';
  id: string;
  definition: {
    name: Record<string, string>;
    type: string;
    interactionType?: 'choice' | 'true-false' | 'fill-in';
    choices?: { id: string; description: Record<string, string> }[];
    correctResponsesPattern?: string[];
  };
}

/** One xAPI statement (xAPI 1.0.3): who did what, to what (an activity, or the student acted on), with what result, when. */
export interface XapiStatement {
  id: string;
  actor: Agent;
  verb: { id: string; display: Record<string, string> };
  object: Activity | Agent;
  result?: { response?: string; success?: boolean; extensions?: Record<string, unknown> };
  context: {
    contextActivities: { parent: { id: string; objectType: 'Activity' }[] };
    platform: string;
    instructor?: Agent;
    extensions?: Record<string, unknown>;
  };
  timestamp: string;
}

export interface XapiOptions {
  /** IRI of the lesson, e.g. the lesson page's URL without its hash. Poll and chat activities hang under it. */
  readonly activityId: string;
  readonly lessonName: string;
  /** `account.homePage` of actors (participants are identified by their room participant id). */
  readonly homePage: string;
  /** The teacher: the actor of the questions asked, and the instructor of every statement. */
  readonly teacher: { readonly id: string; readonly name: string };
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
  'deleted-message': { id: 'http://activitystrea.ms/delete', display: 'deleted' },
  asked: { id: 'http://adlnet.gov/expapi/verbs/asked', display: 'asked' },
  answered: { id: 'http://adlnet.gov/expapi/verbs/answered', display: 'answered' },
} as const;

/** Extension IRIs this export uses. */
export const extensions = {
  private: 'https://beckon.dev/xapi/extensions/private',
  recipient: 'https://beckon.dev/xapi/extensions/recipient',
  anonymous: 'https://beckon.dev/xapi/extensions/anonymous',
  respondents: 'https://beckon.dev/xapi/extensions/respondents',
  counts: 'https://beckon.dev/xapi/extensions/counts',
  results: 'https://beckon.dev/xapi/extensions/results-policy',
} as const;

const interactionType = 'http://adlnet.gov/expapi/activities/cmi.interaction';
const lessonType = 'http://adlnet.gov/expapi/activities/lesson';
/** The actor of every anonymous answer: one and the same, so no statement tells who gave it. */
const anonymousName = 'anonymous';

/**
 * The session as xAPI statements, oldest first. Every answer is in it; anonymous ones under one shared anonymous
 * actor, stamped with the poll's closing time and in the order of their responses, so neither the actor, the time
 * nor the order says who gave them.
 */
export function toXapi(data: ClassroomData, options: XapiOptions): XapiStatement[] {
  const uuid = options.uuid ?? (() => crypto.randomUUID());
  const actor = (id: string, name: string): Agent => ({ objectType: 'Agent', name, account: { homePage: options.homePage, name: id } });
  const teacher = actor(options.teacher.id, options.teacher.name);
  const context = (extra?: Record<string, unknown>): XapiStatement['context'] => ({
    contextActivities: { parent: [{ id: options.activityId, objectType: 'Activity' }] },
    platform: 'Beckon classroom',
    instructor: teacher,
    ...(extra ? { extensions: extra } : {}),
  });
  const verb = (name: keyof typeof verbs): XapiStatement['verb'] => ({ id: verbs[name].id, display: { 'en-US': verbs[name].display } });
  const lesson: Activity = { objectType: 'Activity', id: options.activityId, definition: { name: { 'en-US': options.lessonName }, type: lessonType } };
  const statements: { at: number; statement: XapiStatement }[] = [];
  const nameOf = (id: string, fallback: string): string => data.roster[id]?.name ?? fallback;

  for (const entry of data.log) {
    const statement: XapiStatement = {
      id: uuid(),
      actor: actor(entry.actorId, entry.actorName),
      verb: verb(entry.verb satisfies LogVerb),
      object: lesson,
      context: context(),
      timestamp: new Date(entry.at).toISOString(),
    };
    const targetId = entry.targetId ?? (entry.verb === 'lowered-hand' || entry.verb === 'called-on' || entry.verb === 'deleted-message' ? entry.detail : '');
    if (entry.verb === 'chatted') {
      statement.result = { response: entry.detail };
      const extra: Record<string, unknown> = { [extensions.private]: entry.private === true };
      if (targetId) extra[extensions.recipient] = actor(targetId, entry.targetName || nameOf(targetId, 'Student'));
      statement.context = context(extra);
    } else if (entry.verb === 'reacted') {
      statement.result = { response: entry.detail };
    } else if (targetId !== '') {
      // The teacher acted on a student (lowered their hand, called on them, deleted their message): the student is the object.
      statement.object = actor(targetId, entry.targetName || nameOf(targetId, 'Student'));
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
        actor: teacher,
        verb: verb('asked'),
        object,
        result: {
          extensions: {
            [extensions.respondents]: respondents,
            [extensions.counts]: Object.fromEntries(poll.options.map((option, i) => [option, counts[i] ?? 0])),
            [extensions.anonymous]: poll.anonymous,
            [extensions.results]: poll.results,
          },
        },
        context: context(),
        timestamp: new Date(poll.openedAt).toISOString(),
      },
    });
    const answers = Object.entries(poll.ballots).map(([id, ballot]) => {
      const response = poll.kind === 'free-text' ? ballot.text : ballot.choices.map((choice) => `choice-${choice}`).join('[,]');
      const result: NonNullable<XapiStatement['result']> = { response };
      if (poll.correct.length > 0) result.success = sameSet(ballot.choices, poll.correct);
      return { id, ballot, result };
    });
    if (poll.anonymous) answers.sort((a, b) => (a.result.response ?? '').localeCompare(b.result.response ?? ''));
    for (const { id, ballot, result } of answers) {
      const at = poll.anonymous ? poll.closedAt || poll.openedAt : ballot.at;
      statements.push({
        at,
        statement: {
          id: uuid(),
          actor: poll.anonymous ? actor(anonymousName, 'Anonymous') : actor(id, ballot.name),
          verb: verb('answered'),
          object,
          result,
          context: context(poll.anonymous ? { [extensions.anonymous]: true } : undefined),
          timestamp: new Date(at).toISOString(),
        },
      });
    }
  }
  // Stable: statements at the same moment keep the order above (the question before its answers).
  return statements.sort((a, b) => a.at - b.at).map(({ statement }) => statement);
}

function pollActivity(poll: PollRecord, lessonId: string): Activity {
  const definition: Activity['definition'] = {
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
  const x = [...a].sort((m, n) => m - n);
  const y = [...b].sort((m, n) => m - n);
  return x.length === y.length && x.every((value, i) => value === y[i]);
}
