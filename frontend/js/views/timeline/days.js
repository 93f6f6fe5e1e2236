// What the patient wrote, for a clinician to read a month in a minute: the notes and side
// effects of the range, and the days, each opening to its check-ins and sessions.
import { h, scrollIntoViewGently } from '../../dom.js';
import { formatDate } from '../../dates.js';
import { answerList, severityWord } from '../../gad7.js';
import { t, tn, currentLanguage } from '../../i18n.js';
import { when, whenTime, byPatient, sessionSummary, noteBody } from './format.js';

/** Everything the patient wrote, newest first. */
export function notesList(state) {
  const { entries, treatments, from, today } = state;
  const items = [
    ...entries.filter((e) => e.note || e.side_effects?.length).map((e) => ({ at: e.recorded_at, entry: e })),
    ...treatments
      .filter((t) => t.local_date >= from && t.local_date <= today && (t.notes || t.side_effects?.length))
      .map((t) => ({ at: t.starts_at, session: t })),
  ].sort((a, b) => (a.at < b.at ? 1 : -1));
  if (!items.length)
    return h(
      'p',
      {},
      tn(
        'No notes or side effects in the last {n} day.',
        'No notes or side effects in the last {n} days.',
        state.rangeDays,
      ),
    );
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
          it.entry ? t('Check-in, score {score}', { score: it.entry.total }) : sessionWho(it.session),
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
  if (!days.length)
    return h(
      'p',
      {},
      tn('No check-ins in the last {n} day.', 'No check-ins in the last {n} days.', state.rangeDays),
    );
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
    sessions.map((session) => sessionItem(session, state)),
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
      ? tn('{n} session', '{n} sessions', sessions.length)
      : sessions[0].status === 'planned'
        ? t('planned session')
        : t('session')
    : null;
  return [
    latest
      ? t('score {score} ({severity})', { score: latest.total, severity: severityWord(latest.severity) })
      : t('no check-in'),
    entries.length > 1 ? tn('{n} check-in', '{n} check-ins', entries.length) : null,
    entries.some((e) => e.note) ? t('note') : null,
    entries.some((e) => e.side_effects?.length) ? t('side effects') : null,
    session,
  ].filter(Boolean);
}

function sessionItem(session, state) {
  return h(
    'article',
    { class: 'day-item' },
    h(
      'h3',
      {},
      session.status === 'planned'
        ? t('Planned session, {time}', { time: whenTime(state, session.starts_at) })
        : t('Session, {time}', { time: whenTime(state, session.starts_at) }),
    ),
    h(
      'p',
      {},
      byPatient(session)
        ? t('{session}. Recorded by the patient.', { session: sessionSummary(session) })
        : t('{session}. Recorded by the care team.', { session: sessionSummary(session) }),
    ),
    noteBody(session.notes, session.side_effects, session.side_effect_severity),
  );
}

// Each entry in its own instrument's words (daily: how much of the time; standard: how often).
function entryItem(e, state) {
  const form = state.forms[e.instrument] || state.texts;
  return h(
    'article',
    { class: 'day-item', dataset: { instrument: form.instrument } },
    h('h3', {}, entryHeading(e, form === state.texts, state)),
    answeredIn(e),
    answerList(form, e, { withValues: true }),
    // The PHQ-9's item 9 shares the standard GAD-7's answers (LL358-3).
    e.safety != null
      ? h(
          'p',
          { class: e.safety > 0 ? 'safety-answer raised' : 'safety-answer' },
          t(
            'Safety question (PHQ-9 item 9, thoughts of being better off dead or of self-harm): {answer} ({value})',
            { answer: form.answers[e.safety], value: e.safety },
          ),
        )
      : null,
    noteBody(e.note, e.side_effects, e.side_effect_severity),
  );
}

function entryHeading(e, daily, state) {
  const values = { time: whenTime(state, e.recorded_at), score: e.total, severity: severityWord(e.severity) };
  return daily
    ? t('Check-in, {time}: score {score} ({severity})', values)
    : t('Check-in (standard GAD-7), {time}: score {score} ({severity})', values);
}

/** A session in the notes list, and who recorded it. */
function sessionWho(session) {
  const summary = sessionSummary(session);
  return byPatient(session)
    ? t('Session ({summary}), recorded by the patient', { summary })
    : t('Session ({summary}), recorded by the care team', { summary });
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
