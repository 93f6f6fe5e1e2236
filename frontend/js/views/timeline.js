// A patient's timeline for the care team: relief assessment, flags, chart, sessions.
import { get, post, patch, del, ApiError, describeError } from '../api.js';
import { h, clear, field, focusQuietly, scrollIntoViewGently, rangePicker } from '../dom.js';
import {
  localDate,
  addDays,
  formatDate,
  formatDateTime,
  deviceTimeZone,
  zoneAbbreviation,
} from '../dates.js';
import { chartFigure, summarise } from '../chartfigure.js';
import { sessionForm } from '../sessionform.js';
import {
  STATUS_LABEL,
  FLAG_LABEL,
  BASIS_LABEL,
  NOTICE_LABEL,
  URGENT_DISCLAIMER,
  ROUTE_SHORT,
  SIDE_EFFECT_CLINICAL,
  flagSentence,
  SAFETY_SENTENCE,
  DETAIL_LABEL,
} from '../labels.js';
import { loadForm, answerList } from '../gad7.js';

const RANGES = [30, 90, 180];

export async function render(ctx) {
  const pid = decodeURIComponent(ctx.params[0]);
  const base = `/api/v1/patients/${encodeURIComponent(pid)}`;
  let chart = null;
  let data = null;
  let treatments = [];
  let entries = [];
  const viewerZone = deviceTimeZone();
  // One rule for time: the patient's zone, labelled, and the provider's own time beside it when it differs.
  const when = (iso) => formatDateTime(iso, data?.patient?.timezone, { viewerZone });
  const whenTime = (iso) => formatDateTime(iso, data?.patient?.timezone, { viewerZone, timeOnly: true });

  const heading = h('h1', {}, 'Patient');
  const lead = h('p', { class: 'lead' });
  const status = h('div', { role: 'status', class: 'status' });
  const mailNotice = h(
    'p',
    { class: 'notice', hidden: true },
    "Email reminders are failing: the mail server refused this patient's address. Please check the email address with them.",
  );
  const flagsSlot = h('div', {});
  const assessmentSlot = h('div', {});
  const chartSlot = h('div', { class: 'chart-slot' });
  const sessionsSlot = h('div', {});
  const notesSlot = h('div', {});
  const daysSlot = h('div', {});
  const ranges = rangePicker({ days: RANGES, key: 'timeline-range', fallback: 90, onChange: () => load() });
  const rangeBar = ranges.element;
  // The texts of both instruments (the API's): the day view shows each entry's answers in its own instrument's words.
  const [texts, standardTexts] = await Promise.all([loadForm('daily'), loadForm('gad7')]);
  const forms = { [texts.instrument]: texts, [standardTexts.instrument]: standardTexts };
  const recordSlot = h('div', {}); // the form comes with the patient's zone, after the first load
  const baselineForm = buildBaselineForm();

  ctx.main.append(
    h(
      'section',
      { class: 'page wide timeline' },
      h('p', { class: 'crumbs' }, h('a', { href: '#/patients' }, '← Back to worklist')),
      heading,
      lead,
      mailNotice,
      status,
      h(
        'div',
        { class: 'columns' },
        h(
          'div',
          { class: 'col-top' },
          h(
            'section',
            { 'aria-labelledby': 'flags-title' },
            h('h2', { id: 'flags-title' }, 'Flags'),
            flagsSlot,
          ),
          h(
            'section',
            { 'aria-labelledby': 'assessment-title' },
            h('h2', { id: 'assessment-title' }, 'Relief assessment'),
            assessmentSlot,
          ),
        ),
        h(
          'div',
          { class: 'col-main' },
          h(
            'section',
            { 'aria-labelledby': 'chart-title' },
            h('div', { class: 'section-head' }, h('h2', { id: 'chart-title' }, 'Daily scores'), rangeBar),
            h(
              'p',
              { class: 'hint' },
              'Daily check-ins ask the GAD-7 items about the last 24 hours, answered by how much of the time: ' +
                'an adaptation, not validated. Their bands are a guide. The standard GAD-7 (two weeks, validated) is asked ' +
                'at the first check-in and every 14 days, and shown as its own points.',
            ),
            chartSlot,
          ),
          h(
            'section',
            { 'aria-labelledby': 'notes-title' },
            h('h2', { id: 'notes-title' }, 'Notes and side effects'),
            notesSlot,
          ),
          h(
            'section',
            { 'aria-labelledby': 'days-title' },
            h('h2', { id: 'days-title' }, 'Check-ins by day'),
            daysSlot,
          ),
          h(
            'section',
            { 'aria-labelledby': 'sessions-title' },
            h('h2', { id: 'sessions-title' }, 'Sessions'),
            sessionsSlot,
          ),
          h(
            'section',
            { class: 'card', 'aria-labelledby': 'record-title' },
            h('h2', { id: 'record-title' }, 'Record a completed or planned session'),
            recordSlot,
          ),
        ),
        h(
          'div',
          { class: 'col-bottom' },
          h(
            'section',
            { 'aria-labelledby': 'baseline-title' },
            h('h2', { id: 'baseline-title' }, 'Intake score'),
            baselineForm.element,
          ),
          h(
            'section',
            { 'aria-labelledby': 'export-title' },
            h('h2', { id: 'export-title' }, 'Export'),
            h(
              'ul',
              { class: 'link-list' },
              h(
                'li',
                {},
                h('a', { href: `${base}/export.csv?kind=entries`, download: '' }, 'Check-ins (CSV)'),
              ),
              h(
                'li',
                {},
                h('a', { href: `${base}/export.csv?kind=treatments`, download: '' }, 'Sessions (CSV)'),
              ),
              h(
                'li',
                {},
                h('a', { href: `${base}/fhir`, download: 'fhir-bundle.json' }, 'FHIR bundle (JSON)'),
              ),
              h(
                'li',
                {},
                h(
                  'a',
                  { href: `${base}/sessions.ics`, download: 'planned-sessions.ics' },
                  'Planned sessions (.ics)',
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );

  await load();

  async function load() {
    const tz = data?.patient?.timezone;
    const today = localDate(new Date(), tz);
    const from = addDays(today, -(ranges.value() - 1));
    try {
      const [timeline, tr, en] = await Promise.all([
        get(`${base}/timeline?from=${from}&to=${today}`),
        get(`${base}/treatments`),
        get(`${base}/entries?from=${from}&to=${today}`),
      ]);
      data = timeline;
      treatments = tr.items;
      entries = en.items;
    } catch (err) {
      if (!ctx.isCurrent()) return;
      if (err instanceof ApiError && err.status === 404) {
        heading.textContent = 'Patient not found';
        lead.textContent = 'This patient does not exist or is not on your care team.';
        ctx.main.querySelector('.columns')?.remove();
        return;
      }
      status.textContent = describeError(err);
      return;
    }
    if (!ctx.isCurrent()) return;
    const { patient, assessment } = data;
    const ptoday = localDate(new Date(), patient.timezone);
    heading.textContent = patient.name;
    ctx.setTitle(patient.name);
    const zone = `${patient.timezone.replaceAll('_', ' ')} (${zoneAbbreviation(new Date().toISOString(), patient.timezone)})`;
    lead.textContent = `${STATUS_LABEL[assessment?.status] || ''}${assessment?.status ? ' · ' : ''}Times are the patient's: ${zone}`;
    renderFlags(data.flags || []);
    renderAssessment(assessment);
    renderChart(from, ptoday);
    renderSessions(ptoday);
    renderNotes(from, ptoday);
    renderDays(from, ptoday);
    if (!recordSlot.firstChild) recordSlot.append(buildRecordForm(patient.timezone));
    baselineForm.set(patient.intake_baseline);
    mailNotice.hidden = !patient.email_reminders_failing;
  }

  function renderChart(from, today) {
    const a = data.assessment || {};
    const planned = treatments
      .filter((t) => t.status === 'planned')
      .map((t) => t.local_date)
      .filter((d) => d >= today && d <= addDays(today, 45));
    let to = today;
    const band = a.forecast?.interval_80 || null;
    for (const d of [a.predicted_wear_off_date, a.suggested_session_by, band?.[1], ...planned]) {
      if (d && d > to && d <= addDays(today, 60)) to = d;
    }
    if (to !== today) to = addDays(to, 2);
    const days = (data.daily || []).map((d) => ({ date: d.date, score: d.score, severity: d.severity }));
    const standard = (data.standard || []).map((d) => ({
      date: d.date,
      score: d.score,
      severity: d.severity,
    }));
    const sessions = treatments.map((t) => ({ date: t.local_date, planned: t.status === 'planned' }));
    chart?.dispose();
    const key = [
      [
        'score',
        'Daily score (latest check-in of the day; GAD-7 items over 24 hours: adaptation, not validated)',
      ],
      ['standard', 'Standard GAD-7 (two weeks, validated)'],
      ['session', 'Completed session'],
    ];
    if (sessions.some((s) => s.planned)) key.push(['planned', 'Planned session']);
    if (a.baseline != null) key.push(['baseline', `Baseline ${a.baseline}`]);
    if (a.threshold != null) key.push(['threshold', `Threshold W ${round(a.threshold)}`]);
    if (a.predicted_wear_off_date)
      key.push(['wearoff', `Predicted wear-off ${formatDate(a.predicted_wear_off_date)}`]);
    if (band) key.push(['forecast', `80 % of forecasts: ${formatDate(band[0])} to ${formatDate(band[1])}`]);
    if (a.suggested_session_by)
      key.push(['suggested', `Suggested session by ${formatDate(a.suggested_session_by)}`]);
    key.push(['bands', 'Shaded: minimal, mild, moderate, severe']);
    let summary = summarise(days, from, today);
    if (standard.length)
      summary += ` Standard GAD-7: ${standard.map((d) => `${d.score} on ${formatDate(d.date)}`).join(', ')}.`;
    if (a.baseline != null) summary += ` Baseline ${a.baseline}.`;
    if (a.threshold != null) summary += ` Threshold W ${round(a.threshold)}.`;
    if (a.predicted_wear_off_date) summary += ` Predicted wear-off ${formatDate(a.predicted_wear_off_date)}.`;
    if (band) summary += ` 80 % interval ${formatDate(band[0])} to ${formatDate(band[1])}.`;
    if (a.suggested_session_by) summary += ` Suggested session by ${formatDate(a.suggested_session_by)}.`;
    chart = chartFigure({
      title: `Daily GAD-7 scores of ${data.patient.name}, last ${ranges.value()} days`,
      summary,
      spec: {
        from,
        to,
        days,
        standard,
        sessions,
        bands: texts.bands,
        maxScore: texts.max_total,
        baseline: a.baseline,
        threshold: a.threshold,
        wearOff: a.predicted_wear_off_date,
        band,
        suggested: a.suggested_session_by,
        onPick: openDay,
      },
      extraRows: standard.map((d) => ({ ...d, label: 'standard GAD-7' })),
      key,
      pickHint: 'Point at a day to see its score; click or tap it to open its check-ins below.',
    });
    clear(chartSlot).append(chart.element);
  }

  function renderFlags(flags) {
    clear(flagsSlot);
    const open = flags.filter((f) => f.status === 'open');
    const earlier = flags.filter((f) => f.status !== 'open').reverse();
    if (flags.some((f) => f.kind === 'urgent'))
      flagsSlot.append(h('p', { class: 'disclaimer' }, URGENT_DISCLAIMER));
    flagsSlot.append(
      open.length
        ? h(
            'ul',
            { class: 'flag-list' },
            open.map((f) => h('li', {}, flagCard(f))),
          )
        : h('p', {}, 'No open flags.'),
    );
    if (earlier.length) {
      flagsSlot.append(
        h(
          'details',
          {},
          h('summary', {}, `Earlier flags (${earlier.length})`),
          h(
            'ul',
            { class: 'plain-list' },
            earlier.map((f) =>
              h(
                'li',
                {},
                `${FLAG_LABEL[f.kind] || f.kind}, raised ${formatDate(f.raised_on)}: ${f.status}` +
                  (f.acknowledged_at ? ` ${when(f.acknowledged_at)}` : '') +
                  (f.resolved_at && !f.acknowledged_at ? ` ${when(f.resolved_at)}` : ''),
              ),
            ),
          ),
        ),
      );
    }
  }

  function flagCard(f) {
    const titleId = `flag-${f.id}`;
    const ack = h(
      'button',
      { type: 'button', class: 'secondary', 'aria-describedby': titleId },
      'Acknowledge',
    );
    ack.addEventListener('click', async () => {
      ack.disabled = true;
      try {
        await post(`/api/v1/flags/${encodeURIComponent(f.id)}/acknowledge`, {});
        status.textContent = `Flag "${FLAG_LABEL[f.kind] || f.kind}" acknowledged.`;
        await load();
        focusQuietly(status);
      } catch (err) {
        ack.disabled = false;
        status.textContent = describeError(err);
      }
    });
    const fmt = (d) => formatDate(d, { weekday: true });
    const figures = Object.entries(f.details || {}).filter(
      ([k, v]) => v != null && k !== 'not_a_safety_screen',
    );
    return h(
      'article',
      { class: `card flag flag-${f.kind}` },
      h('h3', { id: titleId }, FLAG_LABEL[f.kind] || f.kind),
      h('p', { class: 'hint' }, `Raised ${formatDate(f.raised_on, { weekday: true })}`),
      h('p', { class: 'flag-sentence' }, flagSentence(f, fmt)),
      f.details?.not_a_safety_screen ? h('p', { class: 'hint' }, SAFETY_SENTENCE) : null,
      figures.length
        ? h(
            'details',
            { class: 'flag-figures' },
            h('summary', {}, 'Figures'),
            h(
              'dl',
              { class: 'facts' },
              figures.flatMap(([k, v]) => [
                h('dt', {}, DETAIL_LABEL[k] || k.replaceAll('_', ' ')),
                h('dd', {}, figure(v)),
              ]),
            ),
          )
        : null,
      ack,
    );
  }

  function renderAssessment(a) {
    clear(assessmentSlot);
    if (!a) return;
    const rows = [
      ['Status', STATUS_LABEL[a.status] || a.status],
      [
        'Last session',
        a.last_session_date
          ? `${formatDate(a.last_session_date)}${a.days_since_session != null ? ` (${a.days_since_session} days ago)` : ''}`
          : null,
      ],
      ['Baseline', a.baseline],
      ['Nadir', a.nadir],
      ['Threshold W', a.threshold != null ? round(a.threshold) : null],
      ['Current (smoothed)', a.current != null ? round(a.current) : null],
      [
        'Improvement regained',
        a.regained_fraction != null ? `${Math.round(a.regained_fraction * 100)} %` : null,
      ],
      [
        'Predicted wear-off',
        a.predicted_wear_off_date
          ? `${formatDate(a.predicted_wear_off_date, { weekday: true })}${a.prediction_basis ? ` (${BASIS_LABEL[a.prediction_basis] || a.prediction_basis})` : ''}`
          : null,
      ],
      [
        'Suggested session by',
        a.suggested_session_by ? formatDate(a.suggested_session_by, { weekday: true }) : null,
      ],
      [
        '80 % of forecasts',
        a.forecast?.interval_80
          ? `${formatDate(a.forecast.interval_80[0])} to ${formatDate(a.forecast.interval_80[1])}`
          : null,
      ],
      ['Why', a.forecast?.why || null],
    ].filter(([, v]) => v != null && v !== '');
    assessmentSlot.append(
      h(
        'dl',
        { class: 'facts' },
        rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]),
      ),
    );
    for (const n of a.notices || [])
      assessmentSlot.append(h('p', { class: 'hint' }, NOTICE_LABEL[n] || n.replaceAll('_', ' ')));
    assessmentSlot.append(
      h('p', { class: 'hint' }, 'An aid to judgement, not validated for daily GAD-7 scores. You decide.'),
    );
  }

  function renderSessions(today) {
    clear(sessionsSlot);
    if (!treatments.length) {
      sessionsSlot.append(h('p', {}, 'No sessions recorded yet.'));
      return;
    }
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
          ['When', 'Status', 'Route', 'Dose', 'Recorded by', 'Notes'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
        ),
      ),
      h(
        'tbody',
        {},
        treatments
          .slice()
          .reverse()
          .map((t) => {
            const actions = h('td', { class: 'row-actions' });
            if (t.status === 'planned') {
              if (t.local_date <= today) {
                const done = h('button', { type: 'button', class: 'secondary small' }, 'Mark completed');
                done.addEventListener('click', () => markCompleted(t, done));
                actions.append(done);
              }
              const cancel = h('button', { type: 'button', class: 'quiet small' }, 'Cancel session');
              cancel.addEventListener('click', () => cancelSession(t, cancel));
              actions.append(cancel);
            }
            return h(
              'tr',
              {},
              h('th', { scope: 'row' }, when(t.starts_at)),
              h('td', {}, t.status === 'planned' ? 'Planned' : 'Completed'),
              h('td', {}, ROUTE_SHORT[t.route] || t.route),
              h('td', {}, t.dose_mg != null ? `${t.dose_mg} mg` : '—'),
              h('td', {}, recordedBy(t)),
              h(
                'td',
                {},
                [
                  t.notes,
                  t.side_effects?.length
                    ? `Side effects: ${t.side_effects.map((s) => SIDE_EFFECT_CLINICAL[s] || s).join(', ')}`
                    : null,
                ]
                  .filter(Boolean)
                  .join(' · ') || '—',
              ),
              actions,
            );
          }),
      ),
    );
    sessionsSlot.append(
      h(
        'div',
        { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Sessions, scrolls sideways' },
        table,
      ),
    );
  }

  // Everything the patient wrote, newest first, for a clinician to read a month in a minute.
  function renderNotes(from, today) {
    clear(notesSlot);
    const items = [
      ...entries
        .filter((e) => e.note || e.side_effects?.length)
        .map((e) => ({ at: e.recorded_at, entry: e })),
      ...treatments
        .filter((t) => t.local_date >= from && t.local_date <= today && (t.notes || t.side_effects?.length))
        .map((t) => ({ at: t.starts_at, session: t })),
    ].sort((a, b) => (a.at < b.at ? 1 : -1));
    if (!items.length) {
      notesSlot.append(h('p', {}, `No notes or side effects in the last ${ranges.value()} days.`));
      return;
    }
    notesSlot.append(
      h(
        'ol',
        { class: 'note-list' },
        items.map((it) =>
          h(
            'li',
            {},
            h(
              'p',
              { class: 'note-when' },
              h('time', { datetime: it.at }, when(it.at)),
              ' · ',
              it.entry
                ? `Check-in, score ${it.entry.total}`
                : `Session (${sessionSummary(it.session)}), recorded by ${recordedBy(it.session).toLowerCase()}`,
            ),
            noteBody(
              it.entry ? it.entry.note : it.session.notes,
              it.entry ? it.entry.side_effects : it.session.side_effects,
            ),
          ),
        ),
      ),
    );
  }

  function openDay(date) {
    const day = daysSlot.querySelector(`details.day[data-date="${date}"]`);
    if (!day) return;
    day.open = true;
    scrollIntoViewGently(day);
    day.querySelector('summary').focus({ preventScroll: true });
  }

  // The days of the range, newest first; each opens to its check-ins and sessions.
  function renderDays(from, today) {
    clear(daysSlot);
    const byDay = new Map();
    const slot = (day) => byDay.get(day) || byDay.set(day, { entries: [], sessions: [] }).get(day);
    for (const e of entries) slot(e.local_date).entries.push(e);
    for (const t of treatments)
      if (t.local_date >= from && t.local_date <= today) slot(t.local_date).sessions.push(t);
    const days = [...byDay.keys()].sort().reverse();
    if (!days.length) {
      daysSlot.append(h('p', {}, `No check-ins in the last ${ranges.value()} days.`));
      return;
    }
    daysSlot.append(
      h(
        'ol',
        { class: 'day-list' },
        days.map((day) => {
          const { entries: es, sessions: ss } = byDay.get(day);
          const latest = es[es.length - 1];
          const marks = [
            latest ? `score ${latest.total} (${latest.severity})` : 'no check-in',
            es.length > 1 ? `${es.length} check-ins` : null,
            es.some((e) => e.note) ? 'note' : null,
            es.some((e) => e.side_effects?.length) ? 'side effects' : null,
            ss.length
              ? ss.length > 1
                ? `${ss.length} sessions`
                : `${ss[0].status === 'planned' ? 'planned ' : ''}session`
              : null,
          ].filter(Boolean);
          return h(
            'li',
            {},
            h(
              'details',
              { class: 'day', dataset: { date: day } },
              h(
                'summary',
                {},
                h('span', { class: 'day-date' }, formatDate(day, { weekday: true })),
                ` · ${marks.join(' · ')}`,
              ),
              ss.map((t) =>
                h(
                  'article',
                  { class: 'day-item' },
                  h(
                    'h3',
                    {},
                    `${t.status === 'planned' ? 'Planned session' : 'Session'}, ${whenTime(t.starts_at)}`,
                  ),
                  h('p', {}, `${sessionSummary(t)}. Recorded by ${recordedBy(t).toLowerCase()}.`),
                  noteBody(t.notes, t.side_effects),
                ),
              ),
              es
                .slice()
                .reverse()
                .map((e) => {
                  // Each entry in its own instrument's words (daily: how much of the time; standard: how often).
                  const form = forms[e.instrument] || texts;
                  return h(
                    'article',
                    { class: 'day-item', dataset: { instrument: form.instrument } },
                    h(
                      'h3',
                      {},
                      `Check-in${form === texts ? '' : ' (standard GAD-7)'}, ${whenTime(e.recorded_at)}: score ${e.total} (${e.severity})`,
                    ),
                    answerList(form, e, { withValues: true }),
                    noteBody(e.note, e.side_effects),
                  );
                }),
            ),
          );
        }),
      ),
    );
  }

  async function markCompleted(t, button) {
    button.disabled = true;
    const body = { status: 'completed' };
    if (new Date(t.starts_at) > new Date()) body.starts_at = new Date().toISOString();
    try {
      await patch(`/api/v1/treatments/${encodeURIComponent(t.id)}`, body);
      status.textContent = `The session on ${formatDate(t.local_date)} is marked completed.`;
      await load();
    } catch (err) {
      button.disabled = false;
      status.textContent = describeError(err);
    }
  }

  async function cancelSession(t, button) {
    if (button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      button.textContent = 'Confirm cancel';
      return;
    }
    button.disabled = true;
    try {
      await del(`/api/v1/treatments/${encodeURIComponent(t.id)}`);
      status.textContent = `The planned session on ${formatDate(t.local_date)} was cancelled.`;
      await load();
    } catch (err) {
      button.disabled = false;
      status.textContent = describeError(err);
    }
  }

  function buildRecordForm(timeZone) {
    return sessionForm({
      timeZone,
      url: `${base}/treatments`,
      submitLabel: 'Record session',
      withStatus: true,
      defaultRoute: 'iv',
      effectsLegend: 'Side effects during or after the session (optional)',
      sideEffects: texts.side_effects,
      zoneNote: "the patient's time zone",
      onSaved: async (saved) => {
        status.textContent = `${saved.status === 'planned' ? 'Planned session' : 'Session'} on ${when(saved.starts_at)} recorded.`;
        await load();
        focusQuietly(status);
      },
    });
  }

  function buildBaselineForm() {
    const score = field({
      label: 'Intake GAD-7 score (0 to 21)',
      name: 'intake_baseline',
      type: 'number',
      inputmode: 'numeric',
      min: '0',
      max: '21',
      step: '1',
      hint: "Used as the baseline when the patient logged fewer than 3 days before the first session. Without one, the patient's standard GAD-7 from before the first session is used, if any. Leave empty to remove it.",
    });
    const save = h('button', { type: 'submit', class: 'secondary' }, 'Save intake score');
    const element = h('form', { class: 'stack', novalidate: true }, score.wrap, save);
    element.addEventListener('submit', async (e) => {
      e.preventDefault();
      score.setError(null);
      const text = score.input.value.trim();
      const value = text === '' ? null : Number(text);
      if (value !== null && !(Number.isInteger(value) && value >= 0 && value <= 21)) {
        score.setError('Please enter a whole number from 0 to 21, or leave it empty.');
        score.input.focus();
        return;
      }
      try {
        await patch(base, { intake_baseline: value });
        status.textContent = value === null ? 'Intake score removed.' : `Intake score ${value} saved.`;
        await load();
      } catch (err) {
        score.setError(describeError(err));
      }
    });
    return {
      element,
      set(v) {
        if (v != null && document.activeElement !== score.input) score.input.value = String(v);
      },
    };
  }

  return () => chart?.dispose();
}

function recordedBy(t) {
  return t.recorded_by?.role === 'patient' ? 'Patient' : 'Care team';
}

function sessionSummary(t) {
  return [ROUTE_SHORT[t.route] || t.route, t.dose_mg != null ? `${t.dose_mg} mg` : null]
    .filter(Boolean)
    .join(', ');
}

function noteBody(note, effects) {
  return [
    note ? h('p', { class: 'note' }, note) : null,
    effects?.length
      ? h('p', {}, `Side effects: ${effects.map((s) => SIDE_EFFECT_CLINICAL[s] || s).join(', ')}`)
      : null,
  ];
}

function figure(value) {
  if (Array.isArray(value)) return value.map((v) => String(v).replaceAll('_', ' ')).join(', ');
  if (typeof value === 'number') return String(round(value));
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (/^\d{4}-\d{2}-\d{2}$/.test(String(value))) return formatDate(value, { weekday: true });
  return String(value).replaceAll('_', ' ');
}

function round(n) {
  return Math.round(n * 10) / 10;
}
