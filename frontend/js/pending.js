// A visible list of what waits in the outbox: check-ins, and changes of stored ones; a
// change the server refused stays here, said plainly, until the patient dismisses it.
import { h, clear, append } from './dom.js';
import * as outbox from './outbox.js';
import { flushOutbox } from './sync.js';
import { formatDateTime } from './dates.js';
import { totalOf } from './gad7.js';
import { t, tn, formatNumber } from './i18n.js';

function describe({ payload }, user) {
  const when = formatDateTime(payload.recorded_at, user.timezone);
  const kind = outbox.kindOf(payload);
  if (kind === 'delete') return t('Deleting your check-in from {when}', { when });
  const answers = kind === 'edit' ? payload.changes.answers : payload.answers;
  const score = answers ? formatNumber(totalOf(answers)) : null;
  if (kind === 'create') return t('{when}: score {score} out of 21', { when, score });
  return score
    ? t('A change to your check-in from {when}: score {score} out of 21', { when, score })
    : t('A change to your check-in from {when}', { when });
}

function waitingSentence(waiting) {
  const n = waiting.length;
  return waiting.every(({ payload }) => outbox.kindOf(payload) === 'create')
    ? tn(
        'This check-in is saved on this device and will be sent when you are online.',
        'These {n} check-ins are saved on this device and will be sent when you are online.',
        n,
      )
    : tn(
        'This is saved on this device and will be sent when you are online.',
        'These {n} changes are saved on this device and will be sent when you are online.',
        n,
      );
}

function refusedText({ payload }) {
  const { status, message } = payload.refused;
  const reason =
    status === 404 ? t('That check-in is no longer in your diary.') : message || t('The server refused it.');
  return t('Not made: {reason}', { reason });
}

function refusedItem(item, user, refresh) {
  const dismiss = h('button', { type: 'button', class: 'secondary' }, t('Dismiss'));
  dismiss.addEventListener('click', async () => {
    await outbox.remove(item.id).catch(() => {});
    refresh();
  });
  return h(
    'li',
    { class: 'refused' },
    h('p', {}, describe(item, user)),
    h('p', {}, refusedText(item)),
    dismiss,
  );
}

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
    const sendNow = h('button', { type: 'button', class: 'secondary' }, t('Send now'));
    sendNow.addEventListener('click', async () => {
      sendNow.disabled = true;
      await flushOutbox().catch(() => {});
      sendNow.disabled = false;
      refresh();
    });
    const waiting = items.filter((item) => !item.payload.refused);
    const refused = items.filter((item) => item.payload.refused);
    append(panel, [
      h('h2', { id: 'pending-title' }, waiting.length ? t('Waiting to be sent') : t('Could not be sent')),
      waiting.length ? h('p', {}, waitingSentence(waiting)) : null,
      waiting.length
        ? h(
            'ul',
            { class: 'plain-list' },
            waiting.map((item) => h('li', {}, describe(item, user))),
          )
        : null,
      refused.length
        ? h(
            'ul',
            { class: 'plain-list', 'aria-label': t('Changes that could not be made') },
            refused.map((item) => refusedItem(item, user, refresh)),
          )
        : null,
      navigator.onLine === false || !waiting.length ? null : sendNow,
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
