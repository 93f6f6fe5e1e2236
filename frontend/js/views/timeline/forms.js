// The timeline's forms: record a session (in the patient's time zone), and the intake score.
import { patch, describeError } from '../../api.js';
import { h, field } from '../../dom.js';
import { sessionForm } from '../../sessionform.js';
import * as sessionRecord from '../../sessionrecord.js';
import { when } from './format.js';

export function recordForm(state, actions) {
  return sessionForm({
    timeZone: state.data.patient.timezone,
    url: `${state.base}/treatments`,
    submitLabel: 'Record session',
    withStatus: true,
    record: sessionRecord,
    defaultRoute: 'iv',
    effectsLegend: 'Side effects during or after the session (optional)',
    sideEffects: state.texts.side_effects,
    zoneNote: "the patient's time zone",
    onSaved: async (saved) => {
      actions.say(
        `${saved.status === 'planned' ? 'Planned session' : 'Session'} on ${when(state, saved.starts_at)} recorded.`,
      );
      await actions.load();
      actions.focusStatus();
    },
  });
}

/** The intake GAD-7 score: {element, set(value)}; set() leaves a field being typed in alone. */
export function baselineForm(state, actions) {
  const score = field({
    label: 'Intake GAD-7 score (0 to 21)',
    name: 'intake_baseline',
    type: 'number',
    inputmode: 'numeric',
    min: '0',
    max: '21',
    step: '1',
    hint: "Used as the baseline when the patient logged fewer than 3 days before the first session. Without one, the daily check-ins before the current course are used, and only then the patient's standard GAD-7 from before the first session. Leave empty to remove it.",
  });
  const save = h('button', { type: 'submit', class: 'secondary' }, 'Save intake score');
  const element = h('form', { class: 'stack', novalidate: true }, score.wrap, save);
  element.addEventListener('submit', (e) => {
    e.preventDefault();
    saveBaseline(score, state, actions);
  });
  return {
    element,
    set(v) {
      if (v != null && document.activeElement !== score.input) score.input.value = String(v);
    },
  };
}

async function saveBaseline(score, state, actions) {
  score.setError(null);
  const text = score.input.value.trim();
  const value = text === '' ? null : Number(text);
  if (value !== null && !(Number.isInteger(value) && value >= 0 && value <= 21)) {
    score.setError('Please enter a whole number from 0 to 21, or leave it empty.');
    score.input.focus();
    return;
  }
  try {
    await patch(state.base, { intake_baseline: value });
    actions.say(value === null ? 'Intake score removed.' : `Intake score ${value} saved.`);
    await actions.load();
  } catch (err) {
    score.setError(describeError(err));
  }
}
