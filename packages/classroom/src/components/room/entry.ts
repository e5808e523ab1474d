import { html } from 'lit';
import type { TemplateResult } from 'lit';

/** Opened without an invite (and no class of ours to resume): start a class, or join with the link. */
export function renderEntry(link: string, setLink: (link: string) => void, start: () => void, join: () => void): TemplateResult {
  return html`<section part="entry" class="entry card" aria-labelledby="entry-title">
    <h2 id="entry-title">How are you taking part?</h2>
    <div class="choices">
      <div class="choice">
        <h3>I am the teacher</h3>
        <p class="muted">Open the class on this device and share its invite link with your students.</p>
        <button class="primary" type="button" @click=${() => start()}>Start a class</button>
      </div>
      <form class="choice" @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        join();
      }}>
        <h3>I am a student</h3>
        <p class="muted">Open the link your teacher sent you, or paste it here.</p>
        <label for="link">Invite link</label>
        <div class="row">
          <input id="link" name="link" type="url" inputmode="url" autocomplete="off" required .value=${link}
            @input=${(e: InputEvent) => setLink((e.target as HTMLInputElement).value)} />
          <button type="submit" ?disabled=${link.trim() === ''}>Join with a link</button>
        </div>
      </form>
    </div>
  </section>`;
}
