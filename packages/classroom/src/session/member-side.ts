import type { BeckonError, DeliveryResult, MemberRoom, MessageMeta, MessageType } from '@beckon/core';
import { ActionRefused, BallotReceipt, ChatDeleted, ChatHistory, ChatPosted, HandQueue, PollState, PollStatus, PollTally, PublishedPolls, Reaction, Vote } from '../gen/classroom.ts';
import type { BallotStatus, Classroom } from './classroom.ts';
import { mergeChat } from './reactions.ts';

/**
 * A student's page: what the host sends becomes what the components render; the student's own ballot is `sending`
 * until the host's verdict. Returns what to call to stop listening.
 */
export function listenAsMember(
  classroom: Classroom,
  member: MemberRoom,
  on: <T extends object>(type: MessageType<T>, handler: (value: T, meta: MessageMeta) => void) => void,
  showReaction: (participantId: string, name: string, emoji: string) => void,
): (() => void)[] {
  const self = classroom;
  const refuse = (command: string, reason: string): void => self.events.emit('refused', { command, reason });
  on(HandQueue, (queue) => {
    self.hands = queue;
    self.events.emit('change', 'hands');
  });
  on(PollState, (poll) => {
    // A new poll starts with nothing chosen and nothing recorded.
    if (self.poll?.id !== poll.id) {
      if (self.ballot?.pollId !== poll.id) self.ballot = undefined;
      if (self.ballotStatus?.pollId !== poll.id) self.ballotStatus = undefined;
    }
    self.poll = poll;
    self.events.emit('change', 'poll');
  });
  on(PollTally, (tally) => {
    const poll = self.poll;
    if (!poll || poll.id !== tally.pollId) return;
    self.poll = { ...poll, counts: tally.counts, respondents: tally.respondents, texts: tally.texts, withheld: tally.withheld };
    self.events.emit('change', 'poll');
  });
  on(PublishedPolls, ({ polls }) => {
    self.published = polls;
    self.events.emit('change', 'published');
  });
  on(BallotReceipt, (receipt) => {
    self.ballot = receipt;
    const status = self.ballotStatus;
    // The host's record of a ballot sent before a reload counts as its verdict.
    if (!status || (status.pollId === receipt.pollId && status.state !== 'sending')) {
      self.ballotStatus = receipt.choices.length > 0 || receipt.text !== '' ? { ...receipt, state: 'recorded', reason: '' } : undefined;
    }
    self.events.emit('change', 'ballot');
  });
  on(ActionRefused, ({ action, reason }) => refuse(action, reason));
  let wasAway = false;
  const offs = [
    member.on('state', (next) => {
      if (next === 'reconnecting') wasAway = true;
      if (next !== 'open' || !wasAway) return;
      wasAway = false;
      // Back after a drop or the teacher's reload: the retained state is replayed right after 'open'.
      setTimeout(() => confirmBallot(self, member), 0);
    }),
    member.on('error', (error) => {
      if (error.code === 'rate-limited') refuse('send', 'You are sending too fast: wait a moment, then try again.');
      else if (error.code === 'policy-violation' || error.code === 'oversized') refuse('send', error.message);
    }),
  ];
  on(ChatHistory, (history) => {
    const mine = self.chat.filter((message) => message.private);
    self.chat = mergeChat(history.messages, mine);
    self.events.emit('change', 'chat');
  });
  on(ChatPosted, ({ message }) => {
    if (!message || self.chat.some((m) => m.id === message.id)) return;
    self.chat = mergeChat(self.chat, [message]);
    self.events.emit('chat', message);
    self.events.emit('change', 'chat');
  });
  on(ChatDeleted, ({ id }) => {
    const kept = self.chat.filter((message) => message.id !== id);
    if (kept.length === self.chat.length) return;
    self.chat = kept;
    self.events.emit('change', 'chat');
  });
  on(Reaction, (reaction) => showReaction(reaction.participantId, reaction.name, reaction.emoji));
  return offs;
}

/** Student: sends a ballot and waits for the host's verdict before saying it counted. */
export function sendBallot(self: Classroom, member: MemberRoom, ballot: { pollId: string; choices: number[]; text: string }): boolean {
  const refuse = (command: string, reason: string): false => {
    self.events.emit('refused', { command, reason });
    return false;
  };
  const status: BallotStatus = { ...ballot, state: 'sending', reason: '' };
  let verdict: Promise<DeliveryResult>;
  try {
    verdict = member.request(Vote, ballot);
  } catch (error) {
    self.ballotStatus = { ...status, state: 'refused', reason: error instanceof Error ? error.message : String(error) };
    self.events.emit('change', 'ballot');
    return refuse('vote', self.ballotStatus.reason);
  }
  self.ballotStatus = status;
  self.events.emit('change', 'ballot');
  void verdict.then((result) => {
    // A later ballot (or a new poll) supersedes this one.
    if (self.ballotStatus !== status) return;
    if (result.ok) {
      self.ballot = { pollId: ballot.pollId, choices: ballot.choices, text: ballot.text };
      self.ballotStatus = { ...status, state: 'recorded' };
    } else {
      const reason = describeVerdict(result.error);
      self.ballotStatus = { ...status, state: 'refused', reason };
      refuse('vote', reason);
    }
    self.events.emit('change', 'ballot');
  });
  return true;
}

/**
 * Student, back after a drop or the teacher's reload: the ballot this page last sent or was confirmed goes again.
 * Votes replace the sender's ballot, so a copy the host already has changes nothing, and one it lost is restored.
 */
function confirmBallot(self: Classroom, member: MemberRoom): void {
  const ballot = self.ballotStatus?.state === 'refused' ? self.ballot : (self.ballotStatus ?? self.ballot);
  const poll = self.poll;
  if (!ballot || !poll || ballot.pollId !== poll.id || poll.status !== PollStatus.OPEN) return;
  if (ballot.choices.length === 0 && ballot.text === '') return;
  sendBallot(self, member, { pollId: ballot.pollId, choices: [...ballot.choices], text: ballot.text });
}

/** The host's verdict on a ballot, in words a student understands. */
function describeVerdict(error: BeckonError): string {
  switch (error.code) {
    case 'rejected':
      // The core prefixes the host's reason with who refused it; the student needs the reason only.
      return error.message.replace(/^.*? refused the message: /, '');
    case 'timeout':
      return 'The teacher did not confirm your vote in time. Check your connection, then vote again.';
    case 'rate-limited':
      return 'You are voting too fast: wait a moment, then vote again.';
    default:
      return `Your vote was not recorded (${error.message}). Vote again.`;
  }
}
