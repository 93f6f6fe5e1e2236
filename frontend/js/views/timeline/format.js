// Small words shared by the timeline's sections.
import { h } from '../../dom.js';
import { formatDateTime } from '../../dates.js';
import { SIDE_EFFECT_CLINICAL, BASIS_LABEL, BASELINE_SOURCE_LABEL, SEVERITY_LABEL } from '../../labels.js';
import { ROUTE_SHORT } from '../../routes.js';
import { t, formatNumber } from '../../i18n.js';

// One rule for time: the patient's zone, labelled, and the provider's own time beside it when it differs.
export function when(state, iso) {
  return formatDateTime(iso, state.data?.patient?.timezone, { viewerZone: state.viewerZone });
}

export function whenTime(state, iso) {
  return formatDateTime(iso, state.data?.patient?.timezone, { viewerZone: state.viewerZone, timeOnly: true });
}

export function byPatient(session) {
  return session.recorded_by?.role === 'patient';
}

export function recordedBy(session) {
  return byPatient(session) ? t('Patient') : t('Care team');
}

/** A dose in mg, in the locale's digits. */
export function mg(dose) {
  return t('{dose} mg', { dose: formatNumber(dose) });
}

export function sessionSummary(session) {
  return [ROUTE_SHORT[session.route] || session.route, session.dose_mg != null ? mg(session.dose_mg) : null]
    .filter(Boolean)
    .join(', ');
}

/** A score band (minimal … severe) or a side effect's rating (mild … severe), in words. */
export function severityWord(code) {
  return SEVERITY_LABEL[code] || code;
}

// severity: {code: mild|moderate|severe} for the rated ones.
export function sideEffects(effects, severity = {}) {
  const named = effects.map((s) => {
    const name = SIDE_EFFECT_CLINICAL[s] || s;
    return severity?.[s]
      ? t('{effect} ({rating})', { effect: name, rating: severityWord(severity[s]) })
      : name;
  });
  return t('Side effects: {effects}', { effects: named.join(', ') });
}

// The engine's codes among the figures (diary/relief/replay.py), in words.
export function codeWords(key) {
  const words = {
    baseline_source: BASELINE_SOURCE_LABEL,
    basis: BASIS_LABEL,
    reasons: {
      severe_scores: t('severe scores'),
      worse_than_baseline: t('worse than baseline'),
      pre_treatment_severe_scores: t('severe scores before the first session'),
      standard_gad7_severe: t('a severe standard GAD-7'),
    },
    returned: { new_run: t('a new run of high scores'), still_going: t('scores still high 7 days on') },
    method: { median: t('median'), kaplan_meier: t('Kaplan–Meier') },
    sources: {
      own_cycles: t("this patient's earlier cycles"),
      clinic: t("the clinic's other patients"),
      default_prior: t('the default estimate'),
      scores: t('the recent scores'),
    },
  };
  return words[key] || {};
}

export function noteBody(note, effects, severity) {
  return [
    note ? h('p', { class: 'note' }, note) : null,
    effects?.length ? h('p', {}, sideEffects(effects, severity)) : null,
  ];
}

export function round(n) {
  return Math.round(n * 10) / 10;
}

/** A score or figure to one decimal, in the locale's digits (16,5 in Spanish). */
export function num(n) {
  return formatNumber(round(n));
}
