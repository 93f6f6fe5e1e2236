// A visible list of check-ins waiting in the outbox.
import { h, clear, append } from './dom.js';
import * as outbox from './outbox.js';
import { flushOutbox } from './sync.js';
import { formatDateTime } from './dates.js';
import { totalOf } from './gad7.js';

export function pendingPanel(user) {
  const panel = h('section', { class: 'pending', hidden: true, 'aria-labelledby': 'pending-title' });
  let alive = true;

  async function refresh() {
    if (!alive) return;
    let items = [];
    try {
      items = await outbox.list(user.id);
    } catch {
      items = [];
    }
    if (!alive) return;
    clear(panel);
    panel.hidden = items.length === 0;
    if (!items.length) return;
    const sendNow = h('button', { type: 'button', class: 'secondary' }, 'Send now');
    sendNow.addEventListener('click', async () => {
      sendNow.disabled = true;
      await flushOutbox().catch(() => {});
      sendNow.disabled = false;
      refresh();
    });
    append(panel, [
      h('h2', { id: 'pending-title' }, 'Waiting to be sent'),
      h(
        'p',
        {},
        items.length === 1
          ? 'This check-in is saved on this device and will be sent when you are online.'
          : `These ${items.length} check-ins are saved on this device and will be sent when you are online.`,
      ),
      h(
        'ul',
        { class: 'plain-list' },
        items.map(({ payload }) =>
          h(
            'li',
            {},
            `${formatDateTime(payload.recorded_at, user.timezone)}: score ${totalOf(payload.answers)} out of 21`,
          ),
        ),
      ),
      navigator.onLine === false ? null : sendNow,
    ]);
  }

  const onChange = () => refresh();
  window.addEventListener('outbox-change', onChange);
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  refresh();
  return {
    element: panel,
    refresh,
    dispose() {
      alive = false;
      window.removeEventListener('outbox-change', onChange);
      window.removeEventListener('online', onChange);
      window.removeEventListener('offline', onChange);
    },
  };
}
