// A fresh Vite app with its own lit, using Beckon's classroom elements from the published package.
import '@beckon/classroom/define';
import type { BeckonRoom } from '@beckon/classroom';
import { html, LitElement } from 'lit';

/** The app's own Lit element beside Beckon's: both must share one copy of lit. */
class LessonIntro extends LitElement {
  static override properties = { topic: {} };
  // Declared, not initialised as a class field: a field would shadow lit's reactive accessor.
  declare topic: string;
  constructor() {
    super();
    this.topic = '';
  }
  override render() {
    return html`<p>Today: ${this.topic}</p>`;
  }
}
customElements.define('lesson-intro', LessonIntro);

// The signalling server is deployed apart from the page; here its address comes from the query string.
const signalling = new URLSearchParams(location.search).get('signalling') ?? '';
const room: BeckonRoom = document.createElement('beckon-room');
room.roomName = 'vite-lesson';
room.teacherName = 'Ms Vite';
room.signalling = signalling;
room.innerHTML = `
  <lesson-intro topic="which is bigger, two thirds or three fifths?"></lesson-intro>
  <beckon-poll question="Is two thirds bigger than three fifths?" kind="yes-no"></beckon-poll>
  <beckon-raise-hand></beckon-raise-hand>
  <beckon-hand-queue></beckon-hand-queue>`;
document.getElementById('lesson')?.append(room);
