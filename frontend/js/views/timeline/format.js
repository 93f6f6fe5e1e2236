// Small words shared by the timeline's sections.
import { h } from '../../dom.js';
import { formatDateTime } from '../../dates.js';
import { SIDE_EFFECT_CLINICAL } from '../../labels.js';
import { ROUTE_SHORT } from '../../routes.js';

// One rule for time: the patient's zone, labelled, and the provider's own time beside it when it differs.
export function when(state, iso) {
  return formatDateTime(iso, state.data?.patient?.timezone, { viewerZone: state.viewerZone });
}

export function whenTime(state, iso) {
  return formatDateTime(iso, state.data?.patient?.timezone, { viewerZone: state.viewerZone, timeOnly: true });
}

export function recordedBy(t) {
  return t.recorded_by?.role === 'patient' ? 'Patient' : 'Care team';
}

export function sessionSummary(t) {
  return [ROUTE_SHORT[t.route] || t.route, t.dose_mg != null ? `${t.dose_mg} mg` : null]
    .filter(Boolean)
    .join(', ');
}

// severity: {code: mild|moderate|severe} for the rated ones.
export function sideEffects(effects, severity = {}) {
  const named = effects.map((s) => {
    const name = SIDE_EFFECT_CLINICAL[s] || s;
    return severity?.[s] ? `${name} (${severity[s]})` : name;
  });
  return `Side effects: ${named.join(', ')}`;
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
