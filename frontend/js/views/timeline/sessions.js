// The timeline's sessions, newest first: a planned one can be marked completed or cancelled.
import { patch, del, describeError } from '../../api.js';
import { h } from '../../dom.js';
import { formatDate } from '../../dates.js';
import { PRODUCT_LABEL } from '../../labels.js';
import { ROUTE_SHORT } from '../../routes.js';
import { when, whenTime, recordedBy, sideEffects } from './format.js';

const COLUMNS = ['When', 'Status', 'Route', 'Dose', 'Vitals and ratings', 'Recorded by', 'Notes'];

function dose(t) {
  const parts = [
    t.dose_mg != null ? `${t.dose_mg} mg` : null,
    t.mg_per_kg != null ? `${t.mg_per_kg} mg/kg` : null,
    PRODUCT_LABEL[t.product] || null,
  ].filter(Boolean);
  return parts.join(' · ') || '—';
}

function pair(before, after) {
  if (before == null && after == null) return null;
  return `${before ?? '?'} → ${after ?? '?'}`;
}

function pressure(t, moment) {
  const s = t[`systolic_${moment}`];
  const d = t[`diastolic_${moment}`];
  return s == null && d == null ? null : `${s ?? '?'}/${d ?? '?'}`;
}

/** The session record in a line: "BP 128/82 → 142/90 · HR 72 → 80 · MOAA/S 4 · ...". */
function vitals(t, state) {
  const bp = pair(pressure(t, 'before'), pressure(t, 'after'));
  const hr = pair(t.heart_rate_before, t.heart_rate_after);
  const ready =
    t.discharge_ready == null
      ? null
      : t.discharge_ready
        ? `ready to go home${t.discharge_ready_at ? ` ${whenTime(state, t.discharge_ready_at)}` : ''}`
        : 'not yet ready to go home';
  const parts = [
    bp && `BP ${bp}`,
    hr && `HR ${hr}`,
    t.sedation_moaas != null && `MOAA/S ${t.sedation_moaas}`,
    t.dissociation_cadss6 != null && `CADSS-6 ${t.dissociation_cadss6}`,
    t.observation_minutes != null && `observed ${t.observation_minutes} min`,
    ready,
  ].filter(Boolean);
  return parts.join(' · ') || '—';
}

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
  const notes = [
    t.notes,
    t.side_effects?.length ? sideEffects(t.side_effects, t.side_effect_severity) : null,
  ].filter(Boolean);
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, when(state, t.starts_at)),
    h('td', {}, t.status === 'planned' ? 'Planned' : 'Completed'),
    h('td', {}, ROUTE_SHORT[t.route] || t.route),
    h('td', {}, dose(t)),
    h('td', {}, vitals(t, state)),
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
