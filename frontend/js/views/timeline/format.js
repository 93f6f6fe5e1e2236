// Small words shared by the timeline's sections.
import { h } from '../../dom.js';
import { formatDateTime } from '../../dates.js';
import { SIDE_EFFECT_CLINICAL, BASIS_LABEL, BASELINE_SOURCE_LABEL } from '../../labels.js';
import { severityWord } from '../../gad7.js';
import { ROUTE_SHORT } from '../../routes.js';
import { t, tn, formatNumber } from '../../i18n.js';

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

// The forecast's reasons in the reader's words, from the engine's facts (an older forecast
// without them keeps its English sentence).
export function forecastWhy(forecast) {
  if (!forecast) return null;
  if (!forecast.why_parts) return forecast.why || null;
  const words = forecast.why_parts.map((p) => {
    if (p.part === 'observed')
      return p.shortest === p.longest
        ? tn(
            'the last cycle with a wear-off lasted {low} days',
            'the last {n} cycles with a wear-off lasted {low} days',
            p.cycles,
            { low: formatNumber(p.shortest) },
          )
        : tn(
            'the last cycle with a wear-off lasted {low}-{high} days',
            'the last {n} cycles with a wear-off lasted {low}-{high} days',
            p.cycles,
            { low: formatNumber(p.shortest), high: formatNumber(p.longest) },
          );
    if (p.part === 'censored')
      return tn(
        '{n} ended by a session before relief faded (at least {days} days)',
        '{n} ended by a session before relief faded (at least {days} days)',
        p.cycles,
        { days: formatNumber(p.shortest) },
      );
    if (p.part === 'clinic_prior')
      return tn(
        "no past cycles yet: the clinic's {n} cycle stands in",
        "no past cycles yet: the clinic's {n} cycles stand in",
        p.cycles,
      );
    if (p.part === 'typical_prior') return t('no past cycles yet: a typical duration stands in');
    if (p.part === 'rising') return t('the scores have started to rise from their lowest level');
    return t('the scores have not started to rise yet');
  });
  const text = words.join('; ');
  return text ? t('{reasons}.', { reasons: text[0].toLocaleUpperCase() + text.slice(1) }) : null;
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
