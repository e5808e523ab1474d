import { css, html, LitElement, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { sendToLrs } from '../../state/lrs.ts';
import { participationCsv } from '../../state/report.ts';
import type { XapiStatement } from '../../state/xapi.ts';
import { ClassroomController } from '../shared/classroom-controller.ts';
import { theme } from '../shared/theme.ts';

/**
 * The teacher's lesson report: participation per student (joined, hands, answers, correct answers), during or
 * after class, exported as xAPI statements or CSV, and optionally sent to the school's LRS. Renders nothing on
 * students' pages.
 *
 * @summary Participation report and export (xAPI, CSV, LRS).
 * @tag beckon-report
 * @csspart card - The card around the report.
 * @csspart table - The participation table.
 */
export class BeckonReport extends LitElement {
  static override styles = [
    theme,
    css`
      :host(:not([data-teacher])) {
        display: none;
      }
      .scroll {
        overflow-x: auto;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 0.9rem;
      }
      th,
      td {
        text-align: left;
        padding: 0.35rem 0.5rem;
        border-bottom: 1px solid var(--_border);
        white-space: nowrap;
      }
      td.n,
      th.n {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin-top: 0.8rem;
      }
      details {
        margin-top: 0.8rem;
      }
      .lrs {
        display: grid;
        gap: 0.4rem;
        margin-top: 0.5rem;
      }
    `,
  ];

  /** Id of the `<beckon-room>` to use when not inside one. */
  @property({ reflect: true }) room = '';
  /** The lesson's name in the export. Default: the page title. */
  @property({ attribute: 'lesson-name' }) lessonName = '';
  /** The lesson's IRI in the export. Default: the page's address without its fragment. */
  @property({ attribute: 'activity-id' }) activityId = '';
  /** The LRS endpoint to offer (the teacher can change it), e.g. `https://lrs.example.org/xapi`. */
  @property({ attribute: 'lrs-endpoint' }) lrsEndpoint = '';

  @state() private lrsAuth = '';
  @state() private lrsStatus = '';
  readonly #classroom = new ClassroomController(this, ['participants', 'poll', 'hands', 'chat']);

  /** The lesson so far as xAPI statements. */
  statements(): XapiStatement[] {
    const classroom = this.#classroom.classroom;
    if (!classroom?.isTeacher) return [];
    const lesson = this.activityId || location.href.replace(/#.*$/, '');
    return classroom.exportXapi({ activityId: lesson, lessonName: this.lessonName || document.title || 'Lesson', homePage: location.origin });
  }

  /** The report as CSV. */
  csv(): string {
    const classroom = this.#classroom.classroom;
    return classroom?.isTeacher ? participationCsv(classroom.report()) : '';
  }

  protected override willUpdate(): void {
    this.toggleAttribute('data-teacher', this.#classroom.classroom?.isTeacher === true);
  }

  #download(body: string, type: string, extension: string): void {
    const base = (this.lessonName || document.title || 'lesson').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'lesson';
    const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(new Blob([body], { type })), download: `${base}.${extension}` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  async #send(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    this.lrsStatus = 'Sending…';
    const statements = this.statements();
    const result = await sendToLrs(statements, { endpoint: this.lrsEndpoint, ...(this.lrsAuth ? { authorization: this.lrsAuth } : {}) });
    this.lrsStatus = result.ok ? `Sent ${statements.length} statements to the LRS.` : result.message;
  }

  override render() {
    const classroom = this.#classroom.classroom;
    if (!classroom?.isTeacher) return nothing;
    const rows = classroom.report();
    return html`<section part="card" class="card" aria-labelledby="report-title">
      <h2 class="title" id="report-title"><span>Lesson report</span></h2>
      ${rows.length === 0
        ? html`<p class="empty">Nobody has joined yet.</p>`
        : html`<div class="scroll" tabindex="0" role="group" aria-label="Participation table">
            <table part="table">
              <caption class="visually-hidden">Participation per student</caption>
              <thead>
                <tr><th scope="col">Student</th><th scope="col">Here</th><th scope="col">Joined</th><th scope="col" class="n">Hands</th><th scope="col" class="n">Answers</th><th scope="col" class="n">Correct</th><th scope="col" class="n">Messages</th></tr>
              </thead>
              <tbody>
                ${rows.map(
                  (row) => html`<tr>
                    <th scope="row">${row.name}</th>
                    <td>${row.present ? 'yes' : 'left'}</td>
                    <td>${new Date(row.joinedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</td>
                    <td class="n">${row.hands}</td>
                    <td class="n">${row.answers}</td>
                    <td class="n">${row.graded > 0 ? `${row.correct} / ${row.graded}` : '–'}</td>
                    <td class="n">${row.messages}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`}
      <div class="actions">
        <button type="button" @click=${() => this.#download(JSON.stringify(this.statements(), null, 2), 'application/json', 'xapi.json')}>Download xAPI</button>
        <button type="button" @click=${() => this.#download(this.csv(), 'text/csv', 'csv')}>Download CSV</button>
      </div>
      <details>
        <summary>Send to a learning record store (LRS)</summary>
        <form class="lrs" @submit=${(e: SubmitEvent) => void this.#send(e)}>
          <label for="lrs">xAPI endpoint</label>
          <input id="lrs" type="url" required placeholder="https://lrs.example.org/xapi" .value=${this.lrsEndpoint}
            @input=${(e: InputEvent) => (this.lrsEndpoint = (e.target as HTMLInputElement).value)} />
          <label for="lrs-auth">Authorization header (optional)</label>
          <input id="lrs-auth" type="password" autocomplete="off" placeholder="Basic …" .value=${this.lrsAuth}
            @input=${(e: InputEvent) => (this.lrsAuth = (e.target as HTMLInputElement).value)} />
          <div class="actions"><button class="primary" type="submit">Send statements</button></div>
          <p class="muted" role="status">${this.lrsStatus}</p>
        </form>
      </details>
    </section>`;
  }
}
