// The timeline's chart of daily scores, with its key and text summary: the relief engine's
// baseline, threshold, forecast and planned sessions drawn over the scores.
import { addDays, formatDate } from '../../dates.js';
import { chartFigure, summarise } from '../../chartfigure.js';
import { round } from './format.js';

export function scoreChart(state, actions) {
  const { from, data, treatments, texts } = state;
  const a = data.assessment || {};
  const band = a.forecast?.interval_80 || null;
  const days = (data.daily || []).map((d) => ({ date: d.date, score: d.score, severity: d.severity }));
  const standard = (data.standard || []).map((d) => ({ date: d.date, score: d.score, severity: d.severity }));
  const sessions = treatments.map((t) => ({ date: t.local_date, planned: t.status === 'planned' }));
  return chartFigure({
    title: `Daily GAD-7 scores of ${data.patient.name}, last ${state.rangeDays} days`,
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
    extraRows: standard.map((d) => ({ ...d, label: 'standard GAD-7' })),
    key: chartKey(a, sessions),
    pickHint: 'Point at a day to see its score; click or tap it to open its check-ins below.',
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
      'Daily score (latest check-in of the day; GAD-7 items over 24 hours: adaptation, not validated)',
    ],
    ['standard', 'Standard GAD-7 (two weeks, validated)'],
    ['session', 'Completed session'],
  ];
  if (sessions.some((s) => s.planned)) key.push(['planned', 'Planned session']);
  if (a.baseline != null) key.push(['baseline', `Before treatment (baseline): ${round(a.baseline)}`]);
  if (a.threshold != null) key.push(['threshold', `Relief counts as fading at ${fadingAt(a.threshold)}`]);
  if (a.predicted_wear_off_date)
    key.push(['wearoff', `Predicted wear-off ${formatDate(a.predicted_wear_off_date)}`]);
  if (band)
    key.push([
      'forecast',
      `Likely wear-off range (model's 10th–90th percentile): ${formatDate(band[0])} to ${formatDate(band[1])}`,
    ]);
  if (a.suggested_session_by)
    key.push(['suggested', `Suggested session by ${formatDate(a.suggested_session_by)}`]);
  key.push(['bands', 'Shaded: minimal, mild, moderate, severe']);
  return key;
}

/** The lowest whole score at or above the threshold W: what a clinician reads off the chart. */
function fadingAt(threshold) {
  return `scores of ${Math.ceil(threshold - 1e-9)} or more (threshold ${round(threshold)})`;
}

function summary({ from, today, data }, days, standard) {
  const a = data.assessment || {};
  const band = a.forecast?.interval_80 || null;
  let text = summarise(days, from, today);
  if (standard.length)
    text += ` Standard GAD-7: ${standard.map((d) => `${d.score} on ${formatDate(d.date)}`).join(', ')}.`;
  if (a.baseline != null) text += ` Before treatment (baseline): ${round(a.baseline)}.`;
  if (a.threshold != null) text += ` Relief counts as fading at ${fadingAt(a.threshold)}.`;
  if (a.predicted_wear_off_date) text += ` Predicted wear-off ${formatDate(a.predicted_wear_off_date)}.`;
  if (band) text += ` Likely wear-off range ${formatDate(band[0])} to ${formatDate(band[1])}.`;
  if (a.suggested_session_by) text += ` Suggested session by ${formatDate(a.suggested_session_by)}.`;
  return text;
}
