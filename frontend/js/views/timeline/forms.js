// The timeline's forms: record a session (in the patient's time zone), and the intake score.
import { patch, describeError } from '../../api.js';
import { h, field } from '../../dom.js';
import { sessionForm } from '../../sessionform.js';
import * as sessionRecord from '../../sessionrecord.js';
import { t } from '../../i18n.js';
import { when } from './format.js';

export function recordForm(state, actions) {
  return sessionForm({
    timeZone: state.data.patient.timezone,
    url: `${state.base}/treatments`,
    submitLabel: t('Record session'),
    withStatus: true,
    record: sessionRecord,
    defaultRoute: 'iv',
    effectsLegend: t('Side effects during or after the session (optional)'),
    sideEffects: state.texts.side_effects,
    zoneNote: (zone) => t("In the patient's time zone: {zone}", { zone }),
    onSaved: async (saved) => {
      const time = when(state, saved.starts_at);
      actions.say(
        saved.status === 'planned'
          ? t('Planned session on {time} recorded.', { time })
          : t('Session on {time} recorded.', { time }),
      );
      await actions.load();
      actions.focusStatus();
    },
  });
}

/** The intake GAD-7 score: {element, set(value)}; set() leaves a field being typed in alone. */
export function baselineForm(state, actions) {
  const score = field({
    label: t('Intake GAD-7 score (0 to 21)'),
    name: 'intake_baseline',
    type: 'number',
    inputmode: 'numeric',
    min: '0',
    max: '21',
    step: '1',
    hint: t(
      "Used as the baseline when the patient logged fewer than 3 days before the first session. Without one, the daily check-ins before the current course are used, and only then the patient's standard GAD-7 from before the first session. Leave empty to remove it.",
    ),
  });
  const save = h('button', { type: 'submit', class: 'secondary' }, t('Save intake score'));
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
    score.setError(t('Please enter a whole number from 0 to 21, or leave it empty.'));
    score.input.focus();
    return;
  }
  try {
    await patch(state.base, { intake_baseline: value });
    actions.say(
      value === null ? t('Intake score removed.') : t('Intake score {score} saved.', { score: value }),
    );
    await actions.load();
  } catch (err) {
    score.setError(describeError(err));
  }
}
