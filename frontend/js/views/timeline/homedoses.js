// The home-dose schedule the care team sets (docs/api.md, "Home doses"): at most N doses the
// patient records themselves in any D days; more raise a side_effect flag.
import { patch, describeError } from '../../api.js';
import { h, field } from '../../dom.js';
import { t, tn } from '../../i18n.js';

/** {element, set(schedule)}; set() leaves fields being typed in alone. */
export function homeDoseForm(state, actions) {
  const most = field({
    label: t('At most this many home doses'),
    name: 'max_doses',
    type: 'number',
    inputmode: 'numeric',
    min: '0',
    max: '50',
    step: '1',
    hint: t(
      'Doses the patient records beyond the schedule raise a side-effect flag. Leave empty for no schedule.',
    ),
  });
  const days = field({
    label: t('In any this many days'),
    name: 'per_days',
    type: 'number',
    inputmode: 'numeric',
    min: '1',
    max: '90',
    step: '1',
    value: '7',
  });
  const save = h('button', { type: 'submit', class: 'secondary' }, t('Save home-dose schedule'));
  const element = h('form', { class: 'stack', novalidate: true }, most.wrap, days.wrap, save);
  element.addEventListener('submit', (e) => {
    e.preventDefault();
    saveSchedule({ most, days }, state, actions);
  });
  return {
    element,
    set(schedule) {
      if ([most.input, days.input].includes(document.activeElement)) return;
      most.input.value = schedule ? String(schedule.max_doses) : '';
      days.input.value = String(schedule ? schedule.per_days : 7);
    },
  };
}

function wholeIn(text, low, high) {
  const value = Number(text);
  return text !== '' && Number.isInteger(value) && value >= low && value <= high ? value : null;
}

async function saveSchedule({ most, days }, state, actions) {
  most.setError(null);
  days.setError(null);
  const mostText = most.input.value.trim();
  let schedule = null;
  if (mostText !== '') {
    const max = wholeIn(mostText, 0, 50);
    const per = wholeIn(days.input.value.trim(), 1, 90);
    if (max === null) most.setError(t('Please enter a whole number from 0 to 50, or leave it empty.'));
    if (per === null) days.setError(t('Please enter a whole number of days from 1 to 90.'));
    if (max === null || per === null) {
      (max === null ? most : days).input.focus();
      return;
    }
    schedule = { max_doses: max, per_days: per };
  }
  try {
    await patch(state.base, { home_dose_schedule: schedule });
    actions.say(
      schedule
        ? tn(
            'Home-dose schedule saved: at most {max} in any {n} day.',
            'Home-dose schedule saved: at most {max} in any {n} days.',
            schedule.per_days,
            { max: schedule.max_doses },
          )
        : t('Home-dose schedule removed.'),
    );
    await actions.load();
  } catch (err) {
    most.setError(describeError(err));
  }
}
