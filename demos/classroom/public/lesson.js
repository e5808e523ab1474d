// The lesson page's own behaviour: tabs on a phone, new-item badges. A file, not an inline script, so pages
// under a strict Content-Security-Policy (script-src 'self') run it too.
const room = document.getElementById('class');
const tabs = [...document.querySelectorAll('.tabs button')];
const phone = matchMedia('(max-width: 720px)');
let open = '';
// On a phone one tool at a time opens above the bar; the same tab closes it.
const show = (tool) => {
  open = open === tool ? '' : tool;
  document.body.dataset.tool = open;
  for (const tab of tabs) {
    tab.setAttribute('aria-expanded', String(tab.dataset.tool === open));
    if (tab.dataset.tool === open) tab.querySelector('.new')?.setAttribute('hidden', '');
  }
};
for (const tab of tabs) tab.addEventListener('click', () => show(tab.dataset.tool));
// On a phone the current poll shows in its panel even when the lesson has a card for it (far up the page).
const current = document.querySelector('#tool-poll beckon-poll');
const fit = () => current.toggleAttribute('hide-prepared', !phone.matches);
phone.addEventListener('change', fit);
fit();
room.addEventListener('beckon-ready', (event) => {
  const classroom = event.classroom;
  document.body.dataset.role = classroom.role;
  let pollId = classroom.poll?.id ?? '';
  classroom.events.on('change', (kind) => {
    // A new question, or a message, while its panel is closed: the tab says so (and no focus moves).
    if (kind === 'poll' && classroom.poll && classroom.poll.id !== pollId) {
      pollId = classroom.poll.id;
      if (open !== 'poll') document.querySelector('[data-tool="poll"] .new').removeAttribute('hidden');
    }
  });
  classroom.events.on('chat', () => {
    if (open !== 'chat') document.querySelector('[data-tool="chat"] .new').removeAttribute('hidden');
  });
});
