// The relief engine's assessment of the patient: plain words first, the engine's own
// figures one click away ("Technical figures"). What each figure is: docs/relief.md.
import { h } from '../../dom.js';
import { formatDate } from '../../dates.js';
import { STATUS_LABEL, BASIS_LABEL, NOTICE_LABEL, BASELINE_NOTICES, baselineText } from '../../labels.js';
import { round } from './format.js';

export function assessmentFacts(state) {
  const a = state.data.assessment;
  if (!a) return [];
  return [
    facts(
      plainRows(a, lowestScore(state.data.daily, a.last_session_date), state.from),
      'facts assessment-facts',
    ),
    technicalFigures(a),
    ...(a.notices || [])
      .filter((n) => !(a.baseline_source && BASELINE_NOTICES.includes(n))) // the baseline row says it
      .map((n) => h('p', { class: 'hint' }, NOTICE_LABEL[n] || n.replaceAll('_', ' '))),
    h('p', { class: 'hint' }, 'An aid to judgement, not validated for daily GAD-7 scores. You decide.'),
  ];
}

function facts(rows, className = 'facts') {
  const shown = rows.filter(([, v]) => v != null && v !== '');
  return h(
    'dl',
    { class: className },
    shown.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]),
  );
}

/** The lowest real daily score after the last session, and its day: a total a GAD-7 can take. */
function lowestScore(days, after) {
  let best = null;
  for (const d of days || []) {
    if (d.score == null || !after || d.date <= after) continue;
    if (!best || d.score < best.score) best = d;
  }
  return best;
}

/** A level the engine computed as a median: whole when it is, else with its half. */
function level(v) {
  return String(round(v));
}

/** The share of the improvement lost since the best stretch, in words (regained_fraction). */
export function benefitLost(fraction) {
  if (fraction == null) return null;
  if (fraction >= 1) return 'All of it: recent scores are back at or above the level before treatment';
  if (fraction <= 0) return 'None: recent scores are as low as at the best stretch';
  // no-break spaces keep each figure with its per cent sign
  return `${Math.round(fraction * 100)}\u00a0% of the improvement (0\u00a0% is the best stretch, 100\u00a0% back to the level before treatment)`;
}

function plainRows(a, lowest, shownFrom) {
  // The days come with the range shown: a session before it has only the days shown to go by.
  const lowestLabel =
    shownFrom && a.last_session_date && shownFrom > a.last_session_date
      ? 'Lowest single score in the days shown'
      : 'Lowest single score since the session';
  const weekday = (d) => formatDate(d, { weekday: true });
  const band = a.forecast?.interval_80;
  return [
    ['Status', STATUS_LABEL[a.status] || a.status],
    [
      'Last session',
      a.last_session_date
        ? `${formatDate(a.last_session_date)}${a.days_since_session != null ? ` (${a.days_since_session} days ago)` : ''}`
        : null,
    ],
    [
      'Before treatment (baseline)',
      a.baseline != null ? baselineText(level(a.baseline), a.baseline_source) : null,
    ],
    [
      'Best stretch since the course began',
      a.nadir != null ? `${level(a.nadir)}: the lowest median of up to 7 scores in a row` : null,
    ],
    [lowestLabel, lowest ? `${lowest.score} on ${weekday(lowest.date)}` : null],
    ['Lately', a.current != null ? `${level(a.current)}: the median of the latest 3 scores` : null],
    ['Benefit lost so far', benefitLost(a.regained_fraction)],
    [
      'Relief counts as fading at',
      a.threshold != null
        ? `scores of ${Math.ceil(a.threshold - 1e-9)} or more, kept up over several days`
        : null,
    ],
    [
      'Predicted wear-off',
      a.predicted_wear_off_date
        ? `${weekday(a.predicted_wear_off_date)}${a.prediction_basis ? ` (${BASIS_LABEL[a.prediction_basis] || a.prediction_basis})` : ''}`
        : null,
    ],
    [
      "Likely range (model's 10th–90th percentile)",
      band ? `${formatDate(band[0])} to ${formatDate(band[1])}` : null,
    ],
    ['Suggested session by', a.suggested_session_by ? weekday(a.suggested_session_by) : null],
    ['Why', a.forecast?.why || null],
  ];
}

/** The engine's figures as it computed them, for those who want them (docs/relief.md). */
function technicalFigures(a) {
  const f = a.forecast;
  const rows = [
    ['Baseline B', a.baseline != null ? round(a.baseline) : null],
    ['Nadir N (lowest median of up to 7 scores)', a.nadir != null ? round(a.nadir) : null],
    ['Threshold W (from B and N)', a.threshold != null ? round(a.threshold) : null],
    ['Current S(t) (median of the latest 3 scores)', a.current != null ? round(a.current) : null],
    [
      'Regained fraction (S − N) / (B − N): the share of the benefit lost',
      a.regained_fraction != null ? `${Math.round(a.regained_fraction * 100)} %` : null,
    ],
    ['Forecast: expected days of relief after the last session', f?.expected_duration ?? null],
    [
      'Forecast: 80 % interval (10th to 90th percentile)',
      f?.interval_80 ? `${formatDate(f.interval_80[0])} to ${formatDate(f.interval_80[1])}` : null,
    ],
    ['Forecast basis', a.prediction_basis || null],
    ['Forecast sources', f?.sources?.length ? f.sources.join(', ') : null],
  ];
  if (!rows.some(([, v]) => v != null)) return null;
  return h('details', { class: 'tech-figures' }, h('summary', {}, 'Technical figures'), facts(rows));
}
