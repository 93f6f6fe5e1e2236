// Today's check-in: the form due today (the daily one, or the standard GAD-7 every two
// weeks), kept as an encrypted draft while it is being filled in; once saved, a calm
// "done for today" page with the score in plain words, the last days, where to turn if
// things get worse, and "Edit today's check-in". This module keeps the one state object
// and shows one of the two; done.js and form.js draw them, entries.js loads and saves.
import { NetworkError } from '../../api.js';
import { h, clear, focusQuietly } from '../../dom.js';
import { loadDueForm } from '../../gad7.js';
import { localDate, formatDate } from '../../dates.js';
import { t } from '../../i18n.js';
import { pendingPanel } from '../../pending.js';
import { todaysCheckIn } from './entries.js';
import { showDone, crisisBox } from './done.js';
import { showForm } from './form.js';

export async function render(ctx) {
  const { user } = ctx;
  const state = {
    user,
    today: localDate(new Date(), user.timezone),
    due: null, // the form due today: its instrument and texts
    dispose: null, // undoes what the part shown left running (a listener, a draft's timer)
  };
  const status = h('div', { role: 'status', class: 'status', id: 'checkin-status' });
  // Crisis help after a safety answer above 0: first on the page, before anything else.
  const crisis = h('div', { class: 'crisis-slot' });
  const pending = pendingPanel(user);
  const body = h('div', { class: 'checkin-body' });
  ctx.main.append(
    h(
      'section',
      { class: 'page' },
      h('h1', {}, t("Today's check-in")),
      crisis,
      h('p', { class: 'lead' }, formatDate(state.today, { weekday: true })),
      status,
      pending.element,
      body,
    ),
  );
  const dispose = () => {
    state.dispose?.();
    pending.dispose();
  };
  const actions = {
    isCurrent: ctx.isCurrent,
    show: (...nodes) => clear(body).append(...nodes),
    say: (text) => {
      status.textContent = text;
    },
    focusStatus: () => focusQuietly(status),
    showCrisis: (help) => {
      clear(crisis);
      if (help) crisis.append(crisisBox(help));
    },
    focusCrisis: () => focusQuietly(crisis.querySelector('h2') || status),
    showDone: (done) => showDone(state, actions, done),
    showForm: (editing) => showForm(state, actions, editing),
  };

  try {
    state.due = await loadDueForm(state.today);
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    if (ctx.isCurrent()) body.append(offlineNotice());
    return () => pending.dispose();
  }
  if (!ctx.isCurrent()) return () => pending.dispose();
  const done = await todaysCheckIn(state);
  if (!ctx.isCurrent()) return () => pending.dispose();
  if (done) await actions.showDone(done);
  else await actions.showForm(null);
  return dispose;
}

// Offline before this phone ever kept a copy of the questions (they come from the server).
function offlineNotice() {
  return h(
    'p',
    { class: 'notice' },
    t(
      'The check-in questions need a connection the first time this phone opens them. Please open Afterglow once when you are online; after that it works offline too.',
    ),
  );
}
