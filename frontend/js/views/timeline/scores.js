// The timeline's chart of daily scores, with its key and text summary: the relief engine's
// baseline, threshold, forecast and planned sessions drawn over the scores.
import { addDays, formatDate } from '../../dates.js';
import { chartFigure, summarise } from '../../chartfigure.js';
import { t, tn, formatNumber } from '../../i18n.js';
import { num } from './format.js';

export function scoreChart(state, actions) {
  const { from, data, treatments, texts } = state;
  const a = data.assessment || {};
  const band = a.forecast?.interval_80 || null;
  const days = (data.daily || []).map((d) => ({ date: d.date, score: d.score, severity: d.severity }));
  const standard = (data.standard || []).map((d) => ({ date: d.date, score: d.score, severity: d.severity }));
  const sessions = treatments.map((t) => ({ date: t.local_date, planned: t.status === 'planned' }));
  return chartFigure({
    title: tn(
      'Daily GAD-7 scores of {name}, last {n} day',
      'Daily GAD-7 scores of {name}, last {n} days',
      state.rangeDays,
      {
        name: data.patient.name,
      },
    ),
    summary: summary(state, days, standard),
    spec: {
      from,
      to: chartEnd(state),
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
      onPick: actions.openDay,
    },
    extraRows: standard.map((d) => ({ ...d, label: t('standard GAD-7') })),
    key: chartKey(a, sessions),
    pickHint: t('Point at a day to see its score; click or tap it to open its check-ins below.'),
  });
}

/** The chart runs past today to show what is ahead: the forecast and planned sessions. */
function chartEnd({ today, data, treatments }) {
  const a = data.assessment || {};
  const band = a.forecast?.interval_80 || null;
  const planned = treatments
    .filter((t) => t.status === 'planned')
    .map((t) => t.local_date)
    .filter((d) => d >= today && d <= addDays(today, 45));
  let to = today;
  for (const d of [a.predicted_wear_off_date, a.suggested_session_by, band?.[1], ...planned]) {
    if (d && d > to && d <= addDays(today, 60)) to = d;
  }
  return to === today ? to : addDays(to, 2);
}

function chartKey(a, sessions) {
  const band = a.forecast?.interval_80 || null;
  const key = [
    [
      'score',
      t('Daily score (latest check-in of the day; GAD-7 items over 24 hours: adaptation, not validated)'),
    ],
    ['standard', t('Standard GAD-7 (two weeks, validated)')],
    ['session', t('Completed session')],
  ];
  if (sessions.some((s) => s.planned)) key.push(['planned', t('Planned session')]);
  if (a.baseline != null) key.push(['baseline', baselineSays(a)]);
  if (a.threshold != null) key.push(['threshold', fadingAt(a.threshold)]);
  if (a.predicted_wear_off_date) key.push(['wearoff', wearOffSays(a)]);
  if (band)
    key.push([
      'forecast',
      t("Likely wear-off range (model's 10th–90th percentile): {from} to {to}", {
        from: formatDate(band[0]),
        to: formatDate(band[1]),
      }),
    ]);
  if (a.suggested_session_by) key.push(['suggested', sessionBySays(a)]);
  key.push(['bands', t('Shaded: minimal, mild, moderate, severe')]);
  return key;
}

// The sentences the key and the summary share (the summary adds a full stop).
function baselineSays(a) {
  return t('Before treatment (baseline): {score}', { score: num(a.baseline) });
}

/** The lowest whole score at or above the threshold W: what a clinician reads off the chart. */
function fadingAt(threshold) {
  return t('Relief counts as fading at scores of {score} or more (threshold {threshold})', {
    score: formatNumber(Math.ceil(threshold - 1e-9)),
    threshold: num(threshold),
  });
}

function wearOffSays(a) {
  return t('Predicted wear-off {date}', { date: formatDate(a.predicted_wear_off_date) });
}

function sessionBySays(a) {
  return t('Suggested session by {date}', { date: formatDate(a.suggested_session_by) });
}

function summary({ from, today, data }, days, standard) {
  const a = data.assessment || {};
  const band = a.forecast?.interval_80 || null;
  const scores = standard.map((d) => t('{score} on {date}', { score: d.score, date: formatDate(d.date) }));
  return [
    summarise(days, from, today),
    standard.length ? t('Standard GAD-7: {scores}.', { scores: scores.join(', ') }) : null,
    a.baseline != null ? `${baselineSays(a)}.` : null,
    a.threshold != null ? `${fadingAt(a.threshold)}.` : null,
    a.predicted_wear_off_date ? `${wearOffSays(a)}.` : null,
    band
      ? t('Likely wear-off range {from} to {to}.', { from: formatDate(band[0]), to: formatDate(band[1]) })
      : null,
    a.suggested_session_by ? `${sessionBySays(a)}.` : null,
  ]
    .filter(Boolean)
    .join(' ');
}
