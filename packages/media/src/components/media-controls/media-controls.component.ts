import { css, html, LitElement, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import type { RoomMedia } from '../../room-media/room-media.ts';
import { BeckonMediaToggleEvent, BeckonStageActionEvent } from '../shared/events.ts';
import { cameraOffIcon, cameraOnIcon, micOffIcon, micOnIcon, stageIcon } from '../shared/icons.ts';
import { MediaController } from '../shared/media-controller.ts';
import { theme } from '../shared/theme.ts';

/**
 * Microphone and camera switches, the message shown when there is no camera or permission, and the stage:
 * a member asks, answers an invite or steps down; the host invites, accepts requests and ends stages.
 *
 * @event beckon-media-toggle - The microphone or camera was switched (`device`, `on`).
 * @event beckon-stage-action - A stage button was used (`action`, `participantId`).
 * @csspart bar - The row of device buttons.
 * @csspart button - Every button.
 * @csspart mic - The microphone button (`aria-pressed` = on).
 * @csspart camera - The camera button (`aria-pressed` = on).
 * @csspart start - "Turn on camera and microphone", before `start`.
 * @csspart message - Why there is no local media.
 * @csspart invite - A member's stage invite prompt.
 * @csspart stage - The stage section.
 * @csspart stage-list - The host's list of members and their stage state.
 * @cssproperty --beckon-accent - Buttons that are on, and the stage actions.
 * @cssproperty --beckon-danger - Buttons that are off (muted, camera off).
 */
export class BeckonMediaControls extends LitElement {
  static override styles = [
    theme,
    css`
      .bar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      button {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        font: inherit;
        font-weight: 600;
        cursor: pointer;
        padding: 0.45rem 0.85rem;
        border-radius: 999px;
        border: 1px solid var(--_border);
        background: var(--_surface);
        color: var(--_text);
      }
      button:hover:not(:disabled) {
        border-color: var(--_accent);
      }
      button:focus-visible {
        outline: 3px solid color-mix(in srgb, var(--_accent) 45%, transparent);
        outline-offset: 2px;
      }
      button:disabled {
        cursor: not-allowed;
        opacity: 0.55;
      }
      button.device[aria-pressed='false']:not(:disabled) {
        background: var(--_danger);
        border-color: var(--_danger);
        color: #fff;
      }
      button.primary {
        background: var(--_accent);
        border-color: var(--_accent);
        color: var(--_accent-contrast);
      }
      .state {
        font-weight: 500;
        opacity: 0.85;
      }
      .message {
        margin: 0.6rem 0 0;
        padding: 0.5rem 0.75rem;
        border-radius: 10px;
        background: color-mix(in srgb, var(--_danger) 10%, var(--_surface));
        border: 1px solid color-mix(in srgb, var(--_danger) 35%, transparent);
      }
      .message:empty {
        display: none;
      }
      .stage {
        margin-top: 0.75rem;
      }
      .invite {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem;
        padding: 0.6rem 0.75rem;
        border-radius: 10px;
        background: color-mix(in srgb, var(--_accent) 10%, var(--_surface));
        border: 1px solid color-mix(in srgb, var(--_accent) 35%, transparent);
      }
      .invite p {
        margin: 0;
        flex: 1 1 12rem;
        font-weight: 600;
      }
      h3 {
        margin: 0 0 0.4rem;
        font-size: 0.8rem;
        letter-spacing: 0.06em;
        text-transform: uppercase;
        color: var(--_muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.35rem;
      }
      li {
        display: flex;
        align-items: center;
        gap: 0.5rem;
      }
      li .who {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      li .tag {
        font-size: 0.8em;
        color: var(--_muted);
      }
      li button {
        padding: 0.25rem 0.7rem;
      }
    `,
  ];

  static override properties = {
    media: { attribute: false },
    noStage: { type: Boolean, attribute: 'no-stage', reflect: true },
  };

  media: RoomMedia | undefined;
  /** Hide the stage section (the game, or an app with its own stage UI). */
  noStage = false;

  constructor() {
    super();
    new MediaController(this);
  }

  override render(): TemplateResult {
    const media = this.media;
    if (!media) return html`<p part="message" class="message" role="status">Video is not connected.</p>`;
    const local = media.local;
    return html`
      <div part="bar" class="bar" role="toolbar" aria-label="Microphone and camera">
        ${local.started
          ? html`
              <button
                part="button mic" class="device"
                type="button"
                aria-label="Microphone"
                aria-pressed=${local.hasMic ? String(local.mic) : 'false'}
                ?disabled=${!local.hasMic}
                @click=${() => this.#toggle('mic', !local.mic)}
              >
                ${local.mic ? micOnIcon : micOffIcon} Microphone <span class="state" aria-hidden="true">${local.mic ? 'on' : 'off'}</span>
              </button>
              <button
                part="button camera" class="device"
                type="button"
                aria-label="Camera"
                aria-pressed=${local.hasCamera ? String(local.camera) : 'false'}
                ?disabled=${!local.hasCamera}
                @click=${() => this.#toggle('camera', !local.camera)}
              >
                ${local.camera ? cameraOnIcon : cameraOffIcon} Camera <span class="state" aria-hidden="true">${local.camera ? 'on' : 'off'}</span>
              </button>
            `
          : html`<button part="button start" class="primary" type="button" @click=${() => void media.start()}>Turn on camera and microphone</button>`}
      </div>
      <p part="message" class="message" role="status">${local.error}</p>
      ${this.noStage || media.mode !== 'stage' ? nothing : media.isHost ? this.#hostStage(media) : this.#memberStage(media)}
    `;
  }

  #memberStage(media: RoomMedia): TemplateResult {
    const invite = media.invite;
    if (invite) {
      return html`<div part="stage invite" class="stage invite" role="group" aria-label="Stage invite">
        <p>${invite.fromName} invites you on stage: everyone will see and hear you.</p>
        <button part="button" class="primary" type="button" @click=${() => this.#stage('accept-invite', () => media.answerInvite(true))}>${stageIcon} Join stage</button>
        <button part="button" type="button" @click=${() => this.#stage('decline-invite', () => media.answerInvite(false))}>Not now</button>
      </div>`;
    }
    if (media.onStage) {
      return html`<div part="stage" class="stage bar">
        <button part="button" type="button" @click=${() => this.#stage('leave', () => media.leaveStage())}>Leave stage</button>
      </div>`;
    }
    const asked = media.stageRequested;
    return html`<div part="stage" class="stage bar">
      <button part="button" type="button" aria-pressed=${String(asked)} @click=${() => this.#stage(asked ? 'withdraw' : 'request', () => media.requestStage(!asked))}>
        ${stageIcon} ${asked ? 'Asked to go on stage' : 'Ask to go on stage'}
      </button>
    </div>`;
  }

  #hostStage(media: RoomMedia): TemplateResult {
    const roster = media.roster;
    const members = roster ? [...roster.peers.keys()].filter((id) => id !== media.selfId) : [];
    return html`<section part="stage" class="stage" aria-labelledby="stage-title">
      <h3 id="stage-title">Stage</h3>
      ${members.length === 0
        ? html`<p class="tag">Nobody else is here yet.</p>`
        : html`<ul part="stage-list">
            ${members.map((id) => {
              const name = media.room.participant(id)?.name ?? 'Guest';
              const onStage = roster!.stage.includes(id);
              const invited = roster!.invited.includes(id);
              const asked = roster!.requests.includes(id);
              const tag = onStage ? 'On stage' : invited ? 'Invited' : asked ? 'Asks to go on stage' : '';
              return html`<li data-participant=${id}>
                <span class="who">${name} <span class="tag">${tag}</span></span>
                ${onStage
                  ? html`<button part="button" type="button" aria-label=${`End stage for ${name}`} @click=${() => this.#stage('end', () => media.endStage(id), id)}>End stage</button>`
                  : invited
                    ? html`<button part="button" type="button" aria-label=${`Cancel invite for ${name}`} @click=${() => this.#stage('end', () => media.endStage(id), id)}>Cancel invite</button>`
                    : asked
                      ? html`<button part="button" class="primary" type="button" aria-label=${`Accept ${name} on stage`} @click=${() => this.#stage('accept-request', () => media.acceptStageRequest(id), id)}>Accept</button>`
                      : html`<button part="button" type="button" aria-label=${`Invite ${name} on stage`} @click=${() => this.#stage('invite', () => media.inviteToStage(id), id)}>Invite</button>`}
              </li>`;
            })}
          </ul>`}
    </section>`;
  }

  #toggle(device: 'mic' | 'camera', on: boolean): void {
    if (device === 'mic') this.media?.setMic(on);
    else this.media?.setCamera(on);
    this.dispatchEvent(new BeckonMediaToggleEvent(device, on));
  }

  #stage(action: BeckonStageActionEvent['action'], run: () => unknown, participantId = this.media?.selfId ?? ''): void {
    run();
    this.dispatchEvent(new BeckonStageActionEvent(action, participantId));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'beckon-media-controls': BeckonMediaControls;
  }
}
