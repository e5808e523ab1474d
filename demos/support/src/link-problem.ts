import { byId } from './dom.ts';
import { newLinkRequest } from './plain-errors.ts';

/**
 * A damaged invite: says so and offers a fresh link request. Starting a session of one's own is offered too,
 * but only runs when asked, since it makes this person the agent.
 */
export function showLinkProblem(startOwnSession: () => void): void {
  const screen = byId('link-problem');
  byId<HTMLAnchorElement>('link-problem-ask').href = newLinkRequest();
  screen.hidden = false;
  byId('link-problem-own').addEventListener(
    'click',
    () => {
      screen.hidden = true;
      // Drop the broken hash so a reload opens the new session, not this message.
      history.replaceState(null, '', location.pathname + location.search);
      startOwnSession();
    },
    { once: true },
  );
}
