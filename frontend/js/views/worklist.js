// The provider's worklist: patients in urgency order, and inviting a new patient (invites.js).
import { get, describeError } from '../api.js';
import { h, clear } from '../dom.js';
import { formatDate, formatDateTime, localDate, relativeDay, deviceTimeZone, viewerTime } from '../dates.js';
import { STATUS_LABEL, flagLabel, urgentDisclaimer, DUE_LABEL, BASIS_TAG } from '../labels.js';
import { t } from '../i18n.js';
import { severityWord } from '../gad7.js';
import { invitePanel } from './invites.js';

// The filter and the search live in the hash's query (#/patients?filter=overdue&q=lee), so a
// reload, a shared link and the back button bring them back. The timeline's "Back to worklist"
// returns to the last one (WORKLIST_KEY).
export const WORKLIST_KEY = 'afterglow:worklist-hash';

export async function render(ctx) {
  const status = h('div', { role: 'status', class: 'status' });
  const tableSlot = h('div', {});
  const invite = invitePanel(status);
  // Filters and search: the server filters, so every page of the answer fits them.
  const asked = ctx.query.get('filter') || '';
  const state = {
    only: FILTERS.includes(asked) ? asked : '',
    query: (ctx.query.get('q') || '').trim().slice(0, 100),
    items: [], // the worklist comes in pages, most urgent first; later pages load on request
    nextCursor: null,
    generation: 0, // a slower, older answer must not overwrite a newer one
  };
  sessionStorage.setItem(WORKLIST_KEY, worklistHash(state));
  const draw = () => {
    if (ctx.isCurrent()) renderTable(state, tableSlot, { status, more });
  };
  const more = () => loadPage(state).then(draw);
  const reload = () => reloadTable(state, ctx, tableSlot, draw);
  const tools = worklistTools(state, reload);

  ctx.main.append(
    h(
      'section',
      { class: 'page wide' },
      h('div', { class: 'page-head' }, h('h1', {}, t('Worklist')), invite.button),
      status,
      invite.element,
      tools,
      tableSlot,
      invite.pending, // after the patients: the worklist comes first
    ),
  );
  invite.loadPending();
  await reload();
}

/** The worklist's address for a filter and a search: #/patients, #/patients?filter=…&q=… */
function worklistHash(state) {
  const params = new URLSearchParams();
  if (state.only) params.set('filter', state.only);
  if (state.query) params.set('q', state.query);
  return `#/patients${params.size ? `?${params}` : ''}`;
}

/** Keeps the address in step: a new entry for a filter (back returns to the one before), the same for typing. */
function remember(state, { replace = false } = {}) {
  const hash = worklistHash(state);
  sessionStorage.setItem(WORKLIST_KEY, hash);
  if (location.hash === hash) return;
  if (replace) history.replaceState(history.state, '', hash);
  else history.pushState(null, '', hash);
}

/** The filter buttons and the search field; a change reloads the table. */
function worklistTools(state, reload) {
  const labels = filterLabels();
  const filterButtons = FILTERS.map((value) =>
    h(
      'button',
      { type: 'button', class: 'segment', value, 'aria-pressed': String(value === state.only) },
      labels[value],
    ),
  );
  const filterBar = h(
    'div',
    { class: 'segmented wrap', role: 'group', 'aria-label': t('Show') },
    filterButtons,
  );
  const search = h('input', {
    type: 'search',
    id: 'worklist-search',
    name: 'q',
    autocomplete: 'off',
    maxlength: '100',
    value: state.query,
  });
  filterBar.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b || b.value === state.only) return;
    state.only = b.value;
    remember(state);
    for (const btn of filterButtons) btn.setAttribute('aria-pressed', String(btn.value === state.only));
    reload();
  });
  let typing = null;
  search.addEventListener('input', () => {
    state.query = search.value.trim();
    clearTimeout(typing);
    typing = setTimeout(() => {
      remember(state, { replace: true });
      reload();
    }, 250);
  });
  return h(
    'div',
    { class: 'worklist-tools' },
    filterBar,
    h('div', { class: 'field search' }, h('label', { for: 'worklist-search' }, t('Search by name')), search),
  );
}

/** The next page of the worklist into state.items; false when a newer request overtook it. */
async function loadPage(state) {
  const params = new URLSearchParams();
  if (state.nextCursor) params.set('cursor', state.nextCursor);
  if (state.only) params.set('filter', state.only);
  if (state.query) params.set('q', state.query);
  const asked = state.generation;
  const page = await get(`/api/v1/patients${params.size ? `?${params}` : ''}`);
  if (asked !== state.generation) return false;
  state.items.push(...page.items);
  state.nextCursor = page.next_cursor || null;
  return true;
}

async function reloadTable(state, ctx, tableSlot, draw) {
  state.generation += 1;
  state.items = [];
  state.nextCursor = null;
  try {
    if (!(await loadPage(state))) return;
  } catch (err) {
    if (ctx.isCurrent()) clear(tableSlot).append(h('p', { class: 'notice' }, describeError(err)));
    return;
  }
  draw();
}

// [heading, cell class]: below 700 px each row is drawn as a card (css: "worklist cards"), the
// cells in the order of the card; "Next step" shows on the card alone (the desk has its columns).
const columns = () => [
  [t('Patient'), 'c-name'],
  [t('Status'), 'c-status'],
  [t('Flags'), 'c-flags'],
  [t('Latest score'), 'c-score'],
  [t('Last check-in'), 'c-last'],
  [t('Predicted wear-off'), 'c-wear'],
  [t('Suggested session by'), 'c-suggested'],
  [t('Next planned session'), 'c-planned'],
  [t('Next step'), 'c-next'],
];

function renderTable(state, slot, { status, more }) {
  const rows = state.items;
  clear(slot);
  const viewerZone = deviceTimeZone();
  const COLUMNS = columns();
  const label = Object.fromEntries(COLUMNS.map(([title, cls]) => [cls, title]));
  // Explicit roles: the cards restyle the rows, and some browsers drop a restyled table's semantics.
  const table = h(
    'table',
    { class: 'worklist', role: 'table' },
    h('caption', {}, t('Patients')),
    h(
      'thead',
      { role: 'rowgroup' },
      h(
        'tr',
        { role: 'row' },
        COLUMNS.map(([title, cls]) => h('th', { scope: 'col', role: 'columnheader', class: cls }, title)),
      ),
    ),
    h(
      'tbody',
      { role: 'rowgroup' },
      rows.map((p) => patientRow(p, viewerZone, label)),
    ),
  );
  if (!rows.length) {
    slot.append(
      h(
        'p',
        {},
        state.only || state.query
          ? t('No patients match. Choose "All patients" or change the search.')
          : t('No patients yet. Use "Invite patient" to add your first one.'),
      ),
    );
  }
  slot.append(
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('Worklist') }, table),
  );
  if (state.nextCursor) slot.append(moreButton(status, more));
  if (rows.some((p) => p.open_flags?.includes('urgent'))) {
    slot.append(h('p', { class: 'disclaimer' }, urgentDisclaimer()));
  }
}

function moreButton(status, more) {
  const button = h('button', { type: 'button' }, t('Show more patients'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await more();
    } catch (err) {
      button.disabled = false;
      status.textContent = describeError(err);
    }
  });
  return button;
}

function patientRow(p, viewerZone, label) {
  const cell = (cls, ...content) =>
    h('td', { role: 'cell', class: cls, 'data-label': label[cls] }, ...content);
  const today = localDate(new Date(), p.timezone);
  const alarming = p.open_flags?.some((k) => k === 'safety' || k === 'urgent');
  return h(
    'tr',
    { role: 'row', class: alarming ? 'has-urgent' : null },
    h(
      'th',
      { scope: 'row', role: 'rowheader', class: 'c-name' },
      h('a', { href: `#/patients/${encodeURIComponent(p.id)}` }, p.name),
      careNote(p),
      p.new_reports ? h('span', { class: 'new-report-tag' }, t('New note or side effect')) : null,
    ),
    cell(
      'c-status',
      h('span', { class: `status-tag status-${p.status}` }, STATUS_LABEL[p.status] || p.status || '—'),
    ),
    cell('c-flags', flagsCell(p)),
    cell('c-score', p.latest_score != null ? `${p.latest_score} · ${severityWord(p.latest_severity)}` : '—'),
    cell(
      'c-last',
      p.last_entry_at
        ? h(
            'time',
            { datetime: p.last_entry_at, title: formatDateTime(p.last_entry_at, p.timezone, { viewerZone }) },
            relativeDay(localDate(new Date(p.last_entry_at), p.timezone), today),
          )
        : t('Never'),
    ),
    cell('c-wear', p.predicted_wear_off_date ? formatDate(p.predicted_wear_off_date) : '—'),
    cell('c-suggested', suggestedSession(p)),
    cell(
      'c-planned',
      p.next_planned_session ? timeCell(p.next_planned_session, p.timezone, viewerZone) : '—',
      p.next_planned_session && p.next_planned_by === 'patient'
        ? h('span', { class: 'hint' }, ' ', t('(booked by the patient)'))
        : null,
    ),
    cell('c-next', nextStep(p)),
  );
}

/** The open flags in words, most urgent first (the server's order), and the latest acknowledgement. */
function flagsCell(p) {
  const open = p.open_flags || [];
  const ack = p.acknowledged;
  return [
    open.length
      ? h(
          'ul',
          { class: 'flags-inline' },
          open.map((k) => h('li', { class: `flag-tag flag-${k}` }, flagLabel(k))),
        )
      : h('span', { class: 'no-flags' }, t('No open flags')),
    ack ? h('p', { class: 'ack-note' }, acknowledgement(ack, p.timezone)) : null,
  ];
}

/** "Urgent acknowledged by Dr Vale, Dec 6: called, all well", each part known or left out. */
function acknowledgement(ack, timeZone) {
  const values = {
    flag: flagLabel(ack.kind),
    by: ack.by,
    date: formatDate(localDate(new Date(ack.at), timeZone)),
    note: ack.note,
  };
  if (ack.by && ack.note) return t('{flag} acknowledged by {by}, {date}: {note}', values);
  if (ack.by) return t('{flag} acknowledged by {by}, {date}', values);
  if (ack.note) return t('{flag} acknowledged, {date}: {note}', values);
  return t('{flag} acknowledged, {date}', values);
}

/** What to do next, in a few words, for the card: overdue, booked, a session to suggest, or nothing. */
function nextStep(p) {
  const by = (d) => formatDate(d, { weekday: true });
  if (p.session_due === 'overdue') {
    return h(
      'span',
      { class: 'overdue' },
      t('Overdue: nothing booked (suggested by {date})', { date: by(p.suggested_session_by) }),
    );
  }
  if (p.next_planned_session) {
    const when = formatDateTime(p.next_planned_session, p.timezone);
    return p.session_due === 'booked_after_wear_off'
      ? h('span', { class: 'overdue' }, t('Booked {when}, after the predicted wear-off', { when }))
      : t('Booked {when}', { when });
  }
  if (p.suggested_session_by) return t('Suggest a session by {date}', { date: by(p.suggested_session_by) });
  return p.open_flags?.length ? t('Review the open flag on the timeline') : t('Nothing due');
}
/** Paused, discharged or closed, under the name; nothing for an active patient. */
function careNote(p) {
  let text = null;
  if (p.closed_by_patient) text = t('Account closed by the patient');
  else if (p.patient_status === 'discharged') text = t('Discharged');
  else if (p.patient_status === 'paused')
    text = t('Reminders paused until {date}', { date: formatDate(p.paused_until) });
  return text ? h('span', { class: 'care-note' }, text) : null;
}

function suggestedSession(p) {
  if (!p.suggested_session_by) return '—';
  const due = DUE_LABEL[p.session_due];
  const basis = BASIS_TAG[p.prediction_basis];
  return h(
    'span',
    { class: p.session_due === 'overdue' ? 'overdue' : null },
    formatDate(p.suggested_session_by),
    due ? h('span', { class: `due-tag due-${p.session_due}` }, ` ${due}`) : null,
    basis ? h('span', { class: 'basis-tag' }, ` ${basis}`) : null,
  );
}

/** An instant in the patient's zone, labelled; the viewer's own time below it when it differs. */
function timeCell(iso, timeZone, viewerZone) {
  const viewer = viewerTime(iso, timeZone, viewerZone);
  return h(
    'time',
    { datetime: iso },
    formatDateTime(iso, timeZone),
    viewer ? h('span', { class: 'viewer-time' }, t('{time} your time', { time: viewer })) : null,
  );
}

// `overdue` (the API's name) lists every patient whose suggested date has passed, booked
// or not; the row's own tag says whether anything is booked (DUE_LABEL in labels.js).
const FILTERS = ['', 'needs_action', 'open_flags', 'overdue', 'nothing_booked', 'discharged'];
const filterLabels = () => ({
  '': t('All patients'),
  needs_action: t('Needs action'),
  open_flags: t('Open flags'),
  overdue: t('Suggested date passed'),
  nothing_booked: t('Nothing booked'),
  discharged: t('Discharged'),
});
