// The relief engine's assessment of the patient, as facts.
import { h } from '../../dom.js';
import { formatDate } from '../../dates.js';
import { STATUS_LABEL, BASIS_LABEL, NOTICE_LABEL } from '../../labels.js';
import { round } from './format.js';

export function assessmentFacts(state) {
  const a = state.data.assessment;
  if (!a) return [];
  const rows = factRows(a).filter(([, v]) => v != null && v !== '');
  return [
    h(
      'dl',
      { class: 'facts' },
      rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]),
    ),
    ...(a.notices || []).map((n) => h('p', { class: 'hint' }, NOTICE_LABEL[n] || n.replaceAll('_', ' '))),
    h('p', { class: 'hint' }, 'An aid to judgement, not validated for daily GAD-7 scores. You decide.'),
  ];
}

function factRows(a) {
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
        ? `${weekday(a.predicted_wear_off_date)}${a.prediction_basis ? ` (${BASIS_LABEL[a.prediction_basis] || a.prediction_basis})` : ''}`
        : null,
    ],
    ['Suggested session by', a.suggested_session_by ? weekday(a.suggested_session_by) : null],
    ['80 % of forecasts', band ? `${formatDate(band[0])} to ${formatDate(band[1])}` : null],
    ['Why', a.forecast?.why || null],
  ];
}
