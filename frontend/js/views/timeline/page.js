// The timeline's page: its sections in three columns, each with an empty slot that
// index.js fills once the patient's data has come.
import { h } from '../../dom.js';
import { t } from '../../i18n.js';

function scoresHint() {
  return t(
    'Daily check-ins ask the GAD-7 items about the last 24 hours, answered by how much of the time: an adaptation, not validated. Their bands are a guide. The standard GAD-7 (two weeks, validated) is asked at the first check-in and every 14 days, and shown as its own points.',
  );
}

/** {element, slots}: the page, and the elements the sections are drawn into. */
export function timelinePage({ base, status, rangeBar, baseline, homeDoses }) {
  const slots = {
    heading: h('h1', {}, t('Patient')),
    lead: h('p', { class: 'lead' }),
    mailNotice: h(
      'p',
      { class: 'notice', hidden: true },
      t(
        "Email reminders are failing: the mail server refused this patient's address. Please check the email address with them.",
      ),
    ),
    status,
    care: h('div', {}),
    flags: h('div', {}),
    assessment: h('div', {}),
    chart: h('div', { class: 'chart-slot' }),
    sessions: h('div', {}),
    notes: h('div', {}),
    days: h('div', {}),
    record: h('div', {}), // the form comes with the patient's zone, after the first load
  };
  const element = h(
    'section',
    { class: 'page wide timeline' },
    h('p', { class: 'crumbs' }, h('a', { href: lastWorklist() }, t('← Back to worklist'))),
    slots.heading,
    slots.lead,
    slots.mailNotice,
    status,
    h(
      'div',
      { class: 'columns' },
      h(
        'div',
        { class: 'col-top' },
        section('care', t('Care status'), slots.care),
        section('flags', t('Flags'), slots.flags),
        section('assessment', t('Relief assessment'), slots.assessment),
      ),
      mainColumn(slots, rangeBar),
      h(
        'div',
        { class: 'col-bottom' },
        section('baseline', t('Intake score'), baseline),
        section('home-doses', t('Home doses'), homeDoses),
        exportSection(base),
      ),
    ),
  );
  return { element, slots };
}

function section(id, title, ...content) {
  return h(
    'section',
    { 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title),
    ...content,
  );
}

function mainColumn(slots, rangeBar) {
  return h(
    'div',
    { class: 'col-main' },
    h(
      'section',
      { 'aria-labelledby': 'chart-title' },
      h('div', { class: 'section-head' }, h('h2', { id: 'chart-title' }, t('Daily scores')), rangeBar),
      h('p', { class: 'hint' }, scoresHint()),
      slots.chart,
    ),
    section('notes', t('Notes and side effects'), slots.notes),
    section('days', t('Check-ins by day'), slots.days),
    section('sessions', t('Sessions'), slots.sessions),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'record-title' },
      h('h2', { id: 'record-title' }, t('Record a completed or planned session')),
      slots.record,
    ),
  );
}

function exportSection(base) {
  const link = (href, download, text) => h('li', {}, h('a', { href, download }, text));
  return section(
    'export',
    t('Export'),
    h(
      'ul',
      { class: 'link-list' },
      link(`${base}/export.csv?kind=entries`, '', t('Check-ins (CSV)')),
      link(`${base}/export.csv?kind=treatments`, '', t('Sessions (CSV)')),
      link(`${base}/fhir`, 'fhir-bundle.json', t('FHIR bundle (JSON)')),
      link(`${base}/sessions.ics`, 'planned-sessions.ics', t('Planned sessions (.ics)')),
    ),
  );
}

/** The worklist as last shown, with its filter and search (views/worklist.js, WORKLIST_KEY). */
function lastWorklist() {
  const hash = sessionStorage.getItem('afterglow:worklist-hash') || '';
  return hash.startsWith('#/patients') ? hash : '#/patients';
}
