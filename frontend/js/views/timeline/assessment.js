// The relief engine's assessment of the patient: plain words first, the engine's own
// figures one click away ("Technical figures"). What each figure is: docs/relief.md.
import { h } from '../../dom.js';
import { formatDate } from '../../dates.js';
import { STATUS_LABEL, BASIS_LABEL, NOTICE_LABEL, BASELINE_NOTICES, baselineText } from '../../labels.js';
import { t, tn, formatNumber } from '../../i18n.js';
import { num, codeWords, forecastWhy } from './format.js';

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
    h('p', { class: 'hint' }, t('An aid to judgement, not validated for daily GAD-7 scores. You decide.')),
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
  return num(v);
}

/** The share of the improvement lost since the best stretch, in words (regained_fraction). */
export function benefitLost(fraction) {
  if (fraction == null) return null;
  if (fraction >= 1) return t('All of it: recent scores are back at or above the level before treatment');
  if (fraction <= 0) return t('None: recent scores are as low as at the best stretch');
  // no-break spaces keep each figure with its per cent sign
  return t(
    '{percent}\u00a0% of the improvement (0\u00a0% is the best stretch, 100\u00a0% back to the level before treatment)',
    { percent: formatNumber(Math.round(fraction * 100)) },
  );
}

function plainRows(a, lowest, shownFrom) {
  // The days come with the range shown: a session before it has only the days shown to go by.
  const lowestLabel =
    shownFrom && a.last_session_date && shownFrom > a.last_session_date
      ? t('Lowest single score in the days shown')
      : t('Lowest single score since the session');
  const weekday = (d) => formatDate(d, { weekday: true });
  const band = a.forecast?.interval_80;
  return [
    [t('Status'), STATUS_LABEL[a.status] || a.status],
    [t('Last session'), lastSession(a)],
    [
      t('Before treatment (baseline)'),
      a.baseline != null ? baselineText(level(a.baseline), a.baseline_source) : null,
    ],
    [
      t('Best stretch since the course began'),
      a.nadir != null
        ? t('{score}: the lowest median of up to 7 scores in a row', { score: level(a.nadir) })
        : null,
    ],
    [
      lowestLabel,
      lowest ? t('{score} on {date}', { score: lowest.score, date: weekday(lowest.date) }) : null,
    ],
    [
      t('Lately'),
      a.current != null ? t('{score}: the median of the latest 3 scores', { score: level(a.current) }) : null,
    ],
    [t('Benefit lost so far'), benefitLost(a.regained_fraction)],
    [
      t('Relief counts as fading at'),
      a.threshold != null
        ? t('scores of {score} or more, kept up over several days', {
            score: formatNumber(Math.ceil(a.threshold - 1e-9)),
          })
        : null,
    ],
    [t('Predicted wear-off'), wearOff(a, weekday)],
    [t("Likely range (model's 10th–90th percentile)"), band ? dateRange(band) : null],
    [t('Suggested session by'), a.suggested_session_by ? weekday(a.suggested_session_by) : null],
    [t('Why'), forecastWhy(a.forecast)],
  ];
}

function lastSession(a) {
  if (!a.last_session_date) return null;
  const date = formatDate(a.last_session_date);
  if (a.days_since_session == null) return date;
  return tn('{date} ({n} day ago)', '{date} ({n} days ago)', a.days_since_session, { date });
}

function wearOff(a, weekday) {
  if (!a.predicted_wear_off_date) return null;
  const date = weekday(a.predicted_wear_off_date);
  if (!a.prediction_basis) return date;
  return t('{date} ({basis})', { date, basis: BASIS_LABEL[a.prediction_basis] || a.prediction_basis });
}

/** Two local dates as a range: "3 Dec to 9 Dec". */
export function dateRange([from, to]) {
  return t('{from} to {to}', { from: formatDate(from), to: formatDate(to) });
}

/** The engine's figures as it computed them, for those who want them (docs/relief.md). */
function technicalFigures(a) {
  const f = a.forecast;
  const rows = [
    [t('Baseline B'), a.baseline != null ? num(a.baseline) : null],
    [t('Nadir N (lowest median of up to 7 scores)'), a.nadir != null ? num(a.nadir) : null],
    [t('Threshold W (from B and N)'), a.threshold != null ? num(a.threshold) : null],
    [t('Current S(t) (median of the latest 3 scores)'), a.current != null ? num(a.current) : null],
    [
      t('Regained fraction (S − N) / (B − N): the share of the benefit lost'),
      a.regained_fraction != null
        ? t('{percent} %', { percent: formatNumber(Math.round(a.regained_fraction * 100)) })
        : null,
    ],
    [
      t('Forecast: expected days of relief after the last session'),
      f?.expected_duration != null ? num(f.expected_duration) : null,
    ],
    [
      t('Forecast: 80 % interval (10th to 90th percentile)'),
      f?.interval_80 ? dateRange(f.interval_80) : null,
    ],
    [t('Forecast basis'), a.prediction_basis ? BASIS_LABEL[a.prediction_basis] || a.prediction_basis : null],
    [
      t('Forecast sources'),
      f?.sources?.length ? f.sources.map((s) => codeWords('sources')[s] || s).join(', ') : null,
    ],
  ];
  if (!rows.some(([, v]) => v != null)) return null;
  return h('details', { class: 'tech-figures' }, h('summary', {}, t('Technical figures')), facts(rows));
}
