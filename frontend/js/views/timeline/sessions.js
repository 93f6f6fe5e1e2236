// The timeline's sessions, newest first: a planned one can be marked completed or cancelled.
import { patch, del, describeError } from '../../api.js';
import { h } from '../../dom.js';
import { formatDate } from '../../dates.js';
import { ROUTE_SHORT } from '../../labels.js';
import { when, recordedBy, sideEffects } from './format.js';

const COLUMNS = ['When', 'Status', 'Route', 'Dose', 'Recorded by', 'Notes'];

export function sessionsTable(state, actions) {
  if (!state.treatments.length) return h('p', {}, 'No sessions recorded yet.');
  const table = h(
    'table',
    { class: 'compact sessions' },
    h('caption', { class: 'visually-hidden' }, 'Sessions'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        COLUMNS.map((t) => h('th', { scope: 'col' }, t)),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
      ),
    ),
    h(
      'tbody',
      {},
      state.treatments
        .slice()
        .reverse()
        .map((t) => sessionRow(t, state, actions)),
    ),
  );
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Sessions, scrolls sideways' },
    table,
  );
}

function sessionRow(t, state, actions) {
  const notes = [t.notes, t.side_effects?.length ? sideEffects(t.side_effects) : null].filter(Boolean);
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, when(state, t.starts_at)),
    h('td', {}, t.status === 'planned' ? 'Planned' : 'Completed'),
    h('td', {}, ROUTE_SHORT[t.route] || t.route),
    h('td', {}, t.dose_mg != null ? `${t.dose_mg} mg` : '—'),
    h('td', {}, recordedBy(t)),
    h('td', {}, notes.join(' · ') || '—'),
    rowActions(t, state, actions),
  );
}

function rowActions(t, state, actions) {
  const cell = h('td', { class: 'row-actions' });
  if (t.status !== 'planned') return cell;
  if (t.local_date <= state.today) {
    const done = h('button', { type: 'button', class: 'secondary small' }, 'Mark completed');
    done.addEventListener('click', () => markCompleted(t, done, actions));
    cell.append(done);
  }
  const cancel = h('button', { type: 'button', class: 'quiet small' }, 'Cancel session');
  cancel.addEventListener('click', () => cancelSession(t, cancel, actions));
  cell.append(cancel);
  return cell;
}

async function markCompleted(t, button, actions) {
  button.disabled = true;
  const body = { status: 'completed' };
  if (new Date(t.starts_at) > new Date()) body.starts_at = new Date().toISOString();
  try {
    await patch(`/api/v1/treatments/${encodeURIComponent(t.id)}`, body);
    actions.say(`The session on ${formatDate(t.local_date)} is marked completed.`);
    await actions.load();
  } catch (err) {
    button.disabled = false;
    actions.say(describeError(err));
  }
}

async function cancelSession(t, button, actions) {
  if (button.dataset.confirm !== 'yes') {
    button.dataset.confirm = 'yes';
    button.textContent = 'Confirm cancel';
    return;
  }
  button.disabled = true;
  try {
    await del(`/api/v1/treatments/${encodeURIComponent(t.id)}`);
    actions.say(`The planned session on ${formatDate(t.local_date)} was cancelled.`);
    await actions.load();
  } catch (err) {
    button.disabled = false;
    actions.say(describeError(err));
  }
}
