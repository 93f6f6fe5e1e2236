// Fields for a treatment session (docs/api.md, "Treatment sessions"), used by patients and providers.
import { h, field, selectField, uuid } from './dom.js';
import { post, ApiError, describeError } from './api.js';
import { ROUTES } from './routes.js';
import { toDateTimeLocalValue, fromDateTimeLocalValue, zoneAbbreviation } from './dates.js';
import { sideEffectsFieldset, readChecked, readSeverity } from './entryform.js';
import { t } from './i18n.js';

// `sideEffects`: [{code, label}] from the check-in form's texts (the API's). `routes`: the
// [code, label] offered (a patient's own dose: the home routes). `record`: the care team's
// session record, the sessionrecord.js module itself, passed in by the care team's timeline
// (loaded when it opens), so a patient's phone never loads it. `zoneNote(zone)`: the hint under
// the date and time, a whole sentence naming whose time zone it is.
// The date and time are wall time in timeZone (the patient's), never the browser's, so a
// session planned for 10:00 reads 10:00 on the worklist, the timeline and the patient's phone.
export function sessionFields({
  defaultRoute = 'iv',
  routes = ROUTES,
  record = null,
  withStatus = false,
  defaultNow = false,
  effectsLegend = t('Side effects (optional)'),
  sideEffects,
  timeZone = null,
  zoneNote = (zone) => t('In your time zone: {zone}', { zone }),
}) {
  // The one state object: the fields, and what read() needs to know of how they were made.
  const state = { withStatus, timeZone, parts: {}, record: null, recordFieldMap: record?.recordFieldMap };
  const { parts } = state;
  if (withStatus) parts.status = statusFieldset();
  parts.when = whenField({ defaultNow, timeZone, zoneNote });
  parts.route = selectField({
    label: t('How it was given'),
    name: 'route',
    options: routes,
    value: defaultRoute,
  });
  Object.assign(parts, detailFields());
  if (record) state.record = record.sessionRecordFields({ dose: parts.dose, timeZone });
  parts.effects = sideEffectsFieldset({
    name: 'session-effects',
    legend: effectsLegend,
    options: sideEffects,
  });

  const elements = [
    parts.status,
    parts.when.wrap,
    parts.route.wrap,
    parts.dose.wrap,
    state.record?.element,
    parts.notes.wrap,
    parts.effects,
  ].filter(Boolean);

  return {
    parts,
    elements,
    read: (form) => readSession(state, form),
    showProblems: (problems, serverFields = {}) => showProblems(state, problems, serverFields),
  };
}

function statusFieldset() {
  return h(
    'fieldset',
    { class: 'inline-radios' },
    h('legend', {}, t('This session is')),
    h(
      'div',
      { class: 'option' },
      h('input', {
        type: 'radio',
        id: 'session-status-completed',
        name: 'status',
        value: 'completed',
        checked: true,
      }),
      h('label', { for: 'session-status-completed' }, t('Completed')),
    ),
    h(
      'div',
      { class: 'option' },
      h('input', { type: 'radio', id: 'session-status-planned', name: 'status', value: 'planned' }),
      h('label', { for: 'session-status-planned' }, t('Planned')),
    ),
  );
}

function whenField({ defaultNow, timeZone, zoneNote }) {
  return field({
    label: t('Date and time'),
    name: 'starts_at',
    type: 'datetime-local',
    required: true,
    value: defaultNow ? toDateTimeLocalValue(new Date(), timeZone) : '',
    hint: timeZone
      ? zoneNote(`${timeZone.replaceAll('_', ' ')} (${zoneAbbreviation(new Date().toISOString(), timeZone)})`)
      : null,
  });
}

function detailFields() {
  return {
    dose: field({
      label: t('Dose in mg (optional)'),
      name: 'dose_mg',
      type: 'number',
      inputmode: 'decimal',
      min: '0.1',
      max: '1000',
      step: 'any',
    }),
    notes: field({
      label: t('Notes (optional)'),
      name: 'notes',
      multiline: true,
      rows: 2,
      maxlength: 2000,
    }),
  };
}

// → {body, problems: [[field, message]]}: the session as the API takes it, and what to fix first.
function readSession({ parts, withStatus, timeZone, record }, form) {
  const problems = [];
  const startsAt = fromDateTimeLocalValue(parts.when.input.value, timeZone);
  if (!startsAt) problems.push([parts.when, t('Please enter the date and time.')]);
  const status = withStatus ? form.querySelector('input[name="status"]:checked').value : 'completed';
  if (startsAt && status === 'completed' && new Date(startsAt) > new Date(Date.now() + 5 * 60000)) {
    problems.push([
      parts.when,
      t('A completed session cannot be in the future. Choose "Planned" for a future session.'),
    ]);
  }
  const doseText = parts.dose.input.value.trim();
  const dose = doseText ? Number(doseText) : null;
  if (doseText && !(dose > 0 && dose <= 1000))
    problems.push([parts.dose, t('The dose should be a number of mg above 0 and at most 1000.')]);
  const body = { status, starts_at: startsAt, route: parts.route.select.value };
  if (dose != null) body.dose_mg = dose;
  const notes = parts.notes.input.value.trim();
  if (notes) body.notes = notes;
  const effects = readChecked(form, 'session-effects');
  if (effects.length) body.side_effects = effects;
  const severity = readSeverity(form, 'session-effects');
  if (Object.keys(severity).length) body.side_effect_severity = severity;
  if (record) {
    const read = record.read();
    Object.assign(body, read.body);
    problems.push(...read.problems);
  }
  return { body, problems };
}

// Shows the problems found here and the server's, moves to the first; true if there was one.
function showProblems({ parts, record, recordFieldMap }, problems, serverFields) {
  const map = {
    starts_at: parts.when,
    dose_mg: parts.dose,
    ...(record ? recordFieldMap(record.parts) : {}),
    notes: parts.notes,
  };
  const all = Object.values(map);
  for (const f of all) f.setError(null);
  for (const [f, msg] of problems) f.setError(msg);
  for (const [k, msgs] of Object.entries(serverFields)) map[k]?.setError(msgs.join(' '));
  const first = all.find((f) => f.input.getAttribute('aria-invalid'));
  if (first && record?.element.contains(first.input)) record.element.open = true;
  first?.input.focus();
  return !!first;
}

// The whole form: fields, a problem line and a submit button that posts the session
// with a client id (so a retry cannot duplicate it), then calls onSaved(saved, form).
export function sessionForm({ url, submitLabel, submitClass = 'primary', onSaved, ...fieldOptions }) {
  const fields = sessionFields(fieldOptions);
  const problem = h('p', { class: 'form-error', hidden: true });
  const submit = h('button', { type: 'submit', class: submitClass }, submitLabel);
  const form = h('form', { class: 'stack', novalidate: true }, fields.elements, problem, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    problem.hidden = true;
    const { body, problems } = fields.read(form);
    if (fields.showProblems(problems)) return;
    body.id = uuid();
    submit.disabled = true;
    try {
      const saved = await post(url, body);
      form.reset();
      await onSaved(saved, fields);
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && fields.showProblems([], err.fields)) return;
      problem.textContent = describeError(err);
      problem.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
