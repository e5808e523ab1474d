// Registers every classroom element. Side effects live here only; `index.ts` exports the classes without defining them.
// The live video elements (<beckon-video-grid>, <beckon-media-controls>) come with them, so one script tag has it all.
import '@beckon/media/define';
import { BeckonChat } from './components/chat/chat.component.ts';
import { BeckonHandQueue } from './components/hand-queue/hand-queue.component.ts';
import { BeckonParticipants } from './components/participants/participants.component.ts';
import { BeckonPoll } from './components/poll/poll.component.ts';
import { BeckonRaiseHand } from './components/raise-hand/raise-hand.component.ts';
import { BeckonReactions } from './components/reactions/reactions.component.ts';
import { BeckonReport } from './components/report/report.component.ts';
import { BeckonRoom } from './components/room/room.component.ts';

const elements = {
  // The room first, so widgets upgraded after it find a live element.
  'beckon-room': BeckonRoom,
  'beckon-raise-hand': BeckonRaiseHand,
  'beckon-hand-queue': BeckonHandQueue,
  'beckon-poll': BeckonPoll,
  'beckon-reactions': BeckonReactions,
  'beckon-chat': BeckonChat,
  'beckon-participants': BeckonParticipants,
  'beckon-report': BeckonReport,
} as const;

for (const [tag, element] of Object.entries(elements)) {
  // A page may load the bundle twice (say, two lesson embeds): the first definition wins.
  if (!customElements.get(tag)) customElements.define(tag, element);
}

declare global {
  interface HTMLElementTagNameMap {
    'beckon-room': BeckonRoom;
    'beckon-raise-hand': BeckonRaiseHand;
    'beckon-hand-queue': BeckonHandQueue;
    'beckon-poll': BeckonPoll;
    'beckon-reactions': BeckonReactions;
    'beckon-chat': BeckonChat;
    'beckon-participants': BeckonParticipants;
    'beckon-report': BeckonReport;
  }
}

export { BeckonChat, BeckonHandQueue, BeckonParticipants, BeckonPoll, BeckonRaiseHand, BeckonReactions, BeckonReport, BeckonRoom };
