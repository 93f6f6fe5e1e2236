// The care team's record of a session (docs/api.md, "The session record"): product, weight
// (mg/kg is computed, never typed), blood pressure and heart rate before and after, the
// MOAA/S and the CADSS-6, observation minutes and discharge readiness. All optional.
import { h, field, selectField } from './dom.js';
import { PRODUCT_LABEL } from './labels.js';
import { toDateTimeLocalValue, fromDateTimeLocalValue } from './dates.js';
import { t, formatNumber } from './i18n.js';

// Chernik 1990; 0 added by the modified scale.
function moaas() {
  return [
    ['', t('Not rated')],
    ['5', t('5: responds readily to name in a normal tone')],
    ['4', t('4: lethargic response to name in a normal tone')],
    ['3', t('3: responds only to name called loudly or repeatedly')],
    ['2', t('2: responds only to mild prodding or shaking')],
    ['1', t('1: responds only to a painful trapezius squeeze')],
    ['0', t('0: no response to a painful trapezius squeeze')],
  ];
}
// [min, max, step] of each number the record takes; its label comes from numberLabel().
const NUMBERS = {
  weight_kg: [20, 350, 'any'],
  systolic_before: [50, 260, 1],
  diastolic_before: [20, 180, 1],
  heart_rate_before: [20, 250, 1],
  systolic_after: [50, 260, 1],
  diastolic_after: [20, 180, 1],
  heart_rate_after: [20, 250, 1],
  dissociation_cadss6: [0, 24, 1],
  observation_minutes: [0, 1440, 1],
};

function numberLabel(name) {
  const moment = name.replace(/_(before|after)$/, '');
  const labels = {
    weight_kg: t('Weight in kg'),
    systolic: t('Systolic, mmHg'),
    diastolic: t('Diastolic, mmHg'),
    heart_rate: t('Heart rate, per minute'),
    dissociation_cadss6: t('Dissociation, CADSS-6 total (0 to 24)'),
    observation_minutes: t('Minutes observed after the dose'),
  };
  return labels[moment];
}

function numberField(name) {
  const [min, max, step] = NUMBERS[name];
  return field({
    label: numberLabel(name),
    name,
    type: 'number',
    inputmode: step === 1 ? 'numeric' : 'decimal',
    min,
    max,
    step,
  });
}

function vitals(legend, moment, parts) {
  const names = [`systolic_${moment}`, `diastolic_${moment}`, `heart_rate_${moment}`];
  for (const name of names) parts[name] = numberField(name);
  return h(
    'fieldset',
    { class: 'vitals' },
    h('legend', {}, legend),
    h(
      'div',
      { class: 'field-row' },
      names.map((name) => parts[name].wrap),
    ),
  );
}

/** {element, parts, read() → {body, problems}, fieldFor(name)}; dose: the dose field, for mg/kg. */
export function sessionRecordFields({ dose, timeZone }) {
  const parts = {};
  parts.product = selectField({
    label: t('Product'),
    name: 'product',
    options: [['', t('Not recorded')], ...Object.entries(PRODUCT_LABEL)],
    value: '',
  });
  parts.weight_kg = numberField('weight_kg');
  const perKg = h('p', { class: 'hint' }, '');
  const showPerKg = () => {
    const mg = Number(dose.input.value);
    const kg = Number(parts.weight_kg.input.value);
    perKg.textContent =
      mg > 0 && kg > 0
        ? t('Dose per kg: {dose} mg/kg (computed)', {
            dose: formatNumber(mg / kg, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
          })
        : '';
  };
  dose.input.addEventListener('input', showPerKg);
  parts.weight_kg.input.addEventListener('input', showPerKg);
  parts.sedation_moaas = selectField({
    label: t('Sedation (MOAA/S)'),
    name: 'sedation_moaas',
    options: moaas(),
    value: '',
  });
  parts.dissociation_cadss6 = numberField('dissociation_cadss6');
  parts.observation_minutes = numberField('observation_minutes');
  parts.discharge_ready = selectField({
    label: t('Ready to go home?'),
    name: 'discharge_ready',
    options: [
      ['', t('Not judged')],
      ['yes', t('Yes')],
      ['no', t('Not yet')],
    ],
    value: '',
  });
  parts.discharge_ready_at = field({
    label: t('Ready at'),
    name: 'discharge_ready_at',
    type: 'datetime-local',
    hint: t('Only when ready; in the patient’s time zone.'),
  });
  const element = h(
    'details',
    { class: 'session-record' },
    h('summary', {}, t('Session record: vitals, sedation, dissociation, discharge (optional)')),
    h(
      'div',
      { class: 'stack' },
      parts.product.wrap,
      parts.weight_kg.wrap,
      perKg,
      vitals(t('Before the dose'), 'before', parts),
      vitals(t('After the dose'), 'after', parts),
      parts.sedation_moaas.wrap,
      parts.dissociation_cadss6.wrap,
      h(
        'p',
        { class: 'hint' },
        t(
          'MOAA/S: Chernik 1990. CADSS-6: the six-item short form (Rodrigues 2021), not validated in this app.',
        ),
      ),
      parts.observation_minutes.wrap,
      parts.discharge_ready.wrap,
      parts.discharge_ready_at.wrap,
    ),
  );
  element.addEventListener('toggle', () => {
    if (
      element.open &&
      !parts.discharge_ready_at.input.value &&
      parts.discharge_ready.select.value === 'yes'
    ) {
      parts.discharge_ready_at.input.value = toDateTimeLocalValue(new Date(), timeZone);
    }
  });
  return { element, parts, read: () => readRecord(parts, timeZone) };
}

function readRecord(parts, timeZone) {
  const body = {};
  const problems = [];
  if (parts.product.select.value) body.product = parts.product.select.value;
  for (const [name, [min, max, step]] of Object.entries(NUMBERS)) {
    const text = parts[name].input.value.trim();
    if (!text) continue;
    const value = Number(text);
    if (!(value >= min && value <= max) || (step === 1 && !Number.isInteger(value))) {
      const range = { min: formatNumber(min), max: formatNumber(max) };
      problems.push([
        parts[name],
        step === 1
          ? t('Please enter a whole number from {min} to {max}.', range)
          : t('Please enter a number from {min} to {max}.', range),
      ]);
    } else body[name] = value;
  }
  if (parts.sedation_moaas.select.value) body.sedation_moaas = Number(parts.sedation_moaas.select.value);
  const ready = parts.discharge_ready.select.value;
  if (ready) body.discharge_ready = ready === 'yes';
  const at = parts.discharge_ready_at.input.value;
  if (at) body.discharge_ready_at = fromDateTimeLocalValue(at, timeZone);
  return { body, problems };
}

/** The fields whose server errors this record shows, by API name. */
export function recordFieldMap(parts) {
  return Object.fromEntries(
    Object.keys(NUMBERS)
      .map((name) => [name, parts[name]])
      .concat([['discharge_ready_at', parts.discharge_ready_at]]),
  );
}
