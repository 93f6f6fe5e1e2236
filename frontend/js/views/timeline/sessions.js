// The timeline's sessions, newest first: a planned one can be marked completed or cancelled.
import { patch, del, describeError } from '../../api.js';
import { h } from '../../dom.js';
import { formatDate } from '../../dates.js';
import { PRODUCT_LABEL } from '../../labels.js';
import { ROUTE_SHORT } from '../../routes.js';
import { t, formatNumber } from '../../i18n.js';
import { when, whenTime, recordedBy, sideEffects, mg } from './format.js';

function columns() {
  return [
    t('When'),
    t('Status'),
    t('Route'),
    t('Dose'),
    t('Vitals and ratings'),
    t('Recorded by'),
    t('Notes'),
  ];
}

function dose(session) {
  const parts = [
    session.dose_mg != null ? mg(session.dose_mg) : null,
    session.mg_per_kg != null ? t('{dose} mg/kg', { dose: formatNumber(session.mg_per_kg) }) : null,
    PRODUCT_LABEL[session.product] || null,
  ].filter(Boolean);
  return parts.join(' · ') || '—';
}

function pair(before, after) {
  if (before == null && after == null) return null;
  return `${before ?? '?'} → ${after ?? '?'}`;
}

function pressure(session, moment) {
  const s = session[`systolic_${moment}`];
  const d = session[`diastolic_${moment}`];
  return s == null && d == null ? null : `${s ?? '?'}/${d ?? '?'}`;
}

/** The session record in a line: "BP 128/82 → 142/90 · HR 72 → 80 · MOAA/S 4 · ...". */
function vitals(session, state) {
  const bp = pair(pressure(session, 'before'), pressure(session, 'after'));
  const hr = pair(session.heart_rate_before, session.heart_rate_after);
  const ready =
    session.discharge_ready == null
      ? null
      : session.discharge_ready
        ? session.discharge_ready_at
          ? t('ready to go home {time}', { time: whenTime(state, session.discharge_ready_at) })
          : t('ready to go home')
        : t('not yet ready to go home');
  const parts = [
    bp && t('BP {pressure}', { pressure: bp }),
    hr && t('HR {rate}', { rate: hr }),
    session.sedation_moaas != null && t('MOAA/S {score}', { score: session.sedation_moaas }),
    session.dissociation_cadss6 != null && t('CADSS-6 {score}', { score: session.dissociation_cadss6 }),
    session.observation_minutes != null &&
      t('observed {minutes} min', { minutes: formatNumber(session.observation_minutes) }),
    ready,
  ].filter(Boolean);
  return parts.join(' · ') || '—';
}

export function sessionsTable(state, actions) {
  if (!state.treatments.length) return h('p', {}, t('No sessions recorded yet.'));
  const table = h(
    'table',
    { class: 'compact sessions' },
    h('caption', { class: 'visually-hidden' }, t('Sessions')),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns().map((column) => h('th', { scope: 'col' }, column)),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('Actions'))),
      ),
    ),
    h(
      'tbody',
      {},
      state.treatments
        .slice()
        .reverse()
        .map((session) => sessionRow(session, state, actions)),
    ),
  );
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('Sessions, scrolls sideways') },
    table,
  );
}

function sessionRow(session, state, actions) {
  const notes = [
    session.notes,
    session.side_effects?.length ? sideEffects(session.side_effects, session.side_effect_severity) : null,
  ].filter(Boolean);
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, when(state, session.starts_at)),
    h('td', {}, session.status === 'planned' ? t('Planned') : t('Completed')),
    h('td', {}, ROUTE_SHORT[session.route] || session.route),
    h('td', {}, dose(session)),
    h('td', {}, vitals(session, state)),
    h('td', {}, recordedBy(session)),
    h('td', {}, notes.join(' · ') || '—'),
    rowActions(session, state, actions),
  );
}

function rowActions(session, state, actions) {
  const cell = h('td', { class: 'row-actions' });
  if (session.status !== 'planned') return cell;
  if (session.local_date <= state.today) {
    const done = h('button', { type: 'button', class: 'secondary small' }, t('Mark completed'));
    done.addEventListener('click', () => markCompleted(session, done, actions));
    cell.append(done);
  }
  const cancel = h('button', { type: 'button', class: 'quiet small' }, t('Cancel session'));
  cancel.addEventListener('click', () => cancelSession(session, cancel, actions));
  cell.append(cancel);
  return cell;
}

async function markCompleted(session, button, actions) {
  button.disabled = true;
  const body = { status: 'completed' };
  if (new Date(session.starts_at) > new Date()) body.starts_at = new Date().toISOString();
  try {
    await patch(`/api/v1/treatments/${encodeURIComponent(session.id)}`, body);
    actions.say(t('The session on {date} is marked completed.', { date: formatDate(session.local_date) }));
    await actions.load();
  } catch (err) {
    button.disabled = false;
    actions.say(describeError(err));
  }
}

async function cancelSession(session, button, actions) {
  if (button.dataset.confirm !== 'yes') {
    button.dataset.confirm = 'yes';
    button.textContent = t('Confirm cancel');
    return;
  }
  button.disabled = true;
  try {
    await del(`/api/v1/treatments/${encodeURIComponent(session.id)}`);
    actions.say(t('The planned session on {date} was cancelled.', { date: formatDate(session.local_date) }));
    await actions.load();
  } catch (err) {
    button.disabled = false;
    actions.say(describeError(err));
  }
}
