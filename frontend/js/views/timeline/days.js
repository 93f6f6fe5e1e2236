// What the patient wrote, for a clinician to read a month in a minute: the notes and side
// effects of the range, and the days, each opening to its check-ins and sessions.
import { h, scrollIntoViewGently } from '../../dom.js';
import { formatDate } from '../../dates.js';
import { answerList } from '../../gad7.js';
import { t, currentLanguage } from '../../i18n.js';
import { when, whenTime, recordedBy, sessionSummary, noteBody } from './format.js';

/** Everything the patient wrote, newest first. */
export function notesList(state) {
  const { entries, treatments, from, today } = state;
  const items = [
    ...entries.filter((e) => e.note || e.side_effects?.length).map((e) => ({ at: e.recorded_at, entry: e })),
    ...treatments
      .filter((t) => t.local_date >= from && t.local_date <= today && (t.notes || t.side_effects?.length))
      .map((t) => ({ at: t.starts_at, session: t })),
  ].sort((a, b) => (a.at < b.at ? 1 : -1));
  if (!items.length) return h('p', {}, `No notes or side effects in the last ${state.rangeDays} days.`);
  return h(
    'ol',
    { class: 'note-list' },
    items.map((it) =>
      h(
        'li',
        {},
        h(
          'p',
          { class: 'note-when' },
          h('time', { datetime: it.at }, when(state, it.at)),
          ' · ',
          it.entry
            ? `Check-in, score ${it.entry.total}`
            : `Session (${sessionSummary(it.session)}), recorded by ${recordedBy(it.session).toLowerCase()}`,
        ),
        it.entry
          ? noteBody(it.entry.note, it.entry.side_effects, it.entry.side_effect_severity)
          : noteBody(it.session.notes, it.session.side_effects, it.session.side_effect_severity),
      ),
    ),
  );
}

/** The days of the range, newest first; each opens to its check-ins and sessions. */
export function dayList(state) {
  const byDay = new Map();
  const slot = (day) => byDay.get(day) || byDay.set(day, { entries: [], sessions: [] }).get(day);
  for (const e of state.entries) slot(e.local_date).entries.push(e);
  for (const t of state.treatments)
    if (t.local_date >= state.from && t.local_date <= state.today) slot(t.local_date).sessions.push(t);
  const days = [...byDay.keys()].sort().reverse();
  if (!days.length) return h('p', {}, `No check-ins in the last ${state.rangeDays} days.`);
  return h(
    'ol',
    { class: 'day-list' },
    days.map((day) => h('li', {}, dayDetails(day, byDay.get(day), state))),
  );
}

/** Opens a day of the list (a day picked on the chart) and moves to it. */
export function openDay(list, date) {
  const day = list.querySelector(`details.day[data-date="${date}"]`);
  if (!day) return;
  day.open = true;
  scrollIntoViewGently(day);
  day.querySelector('summary').focus({ preventScroll: true });
}

function dayDetails(day, { entries, sessions }, state) {
  return h(
    'details',
    { class: 'day', dataset: { date: day } },
    h(
      'summary',
      {},
      h('span', { class: 'day-date' }, formatDate(day, { weekday: true })),
      ` · ${dayMarks(entries, sessions).join(' · ')}`,
    ),
    sessions.map((t) => sessionItem(t, state)),
    entries
      .slice()
      .reverse()
      .map((e) => entryItem(e, state)),
  );
}

function dayMarks(entries, sessions) {
  const latest = entries[entries.length - 1];
  const session = sessions.length
    ? sessions.length > 1
      ? `${sessions.length} sessions`
      : `${sessions[0].status === 'planned' ? 'planned ' : ''}session`
    : null;
  return [
    latest ? `score ${latest.total} (${latest.severity})` : 'no check-in',
    entries.length > 1 ? `${entries.length} check-ins` : null,
    entries.some((e) => e.note) ? 'note' : null,
    entries.some((e) => e.side_effects?.length) ? 'side effects' : null,
    session,
  ].filter(Boolean);
}

function sessionItem(t, state) {
  return h(
    'article',
    { class: 'day-item' },
    h('h3', {}, `${t.status === 'planned' ? 'Planned session' : 'Session'}, ${whenTime(state, t.starts_at)}`),
    h('p', {}, `${sessionSummary(t)}. Recorded by ${recordedBy(t).toLowerCase()}.`),
    noteBody(t.notes, t.side_effects, t.side_effect_severity),
  );
}

// Each entry in its own instrument's words (daily: how much of the time; standard: how often).
function entryItem(e, state) {
  const form = state.forms[e.instrument] || state.texts;
  return h(
    'article',
    { class: 'day-item', dataset: { instrument: form.instrument } },
    h(
      'h3',
      {},
      `Check-in${form === state.texts ? '' : ' (standard GAD-7)'}, ${whenTime(state, e.recorded_at)}: score ${e.total} (${e.severity})`,
    ),
    answeredIn(e),
    answerList(form, e, { withValues: true }),
    // The PHQ-9's item 9 shares the standard GAD-7's answers (LL358-3).
    e.safety != null
      ? h(
          'p',
          { class: e.safety > 0 ? 'safety-answer raised' : 'safety-answer' },
          `Safety question (PHQ-9 item 9, thoughts of being better off dead or of self-harm): ${form.answers[e.safety]} (${e.safety})`,
        )
      : null,
    noteBody(e.note, e.side_effects, e.side_effect_severity),
  );
}

// The care team reads the answers in their own language; says so when the patient read another.
function answeredIn(e) {
  if (!e.language || e.language === currentLanguage()) return null;
  return h(
    'p',
    { class: 'answered-in' },
    e.language === 'es' ? t('Answered in Spanish') : t('Answered in English'),
  );
}
