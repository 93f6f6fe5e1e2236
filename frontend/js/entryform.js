// The check-in form, for a new check-in and for an edit. Every text comes from
// `texts`, the instrument's form as the API serves it (docs/api.md, "Two instruments").
import { h, uid, field, prefersReducedMotion } from './dom.js';
import { t, tn, formatNumber } from './i18n.js';

const NOTE_MAX = 2000;

function radioGroup({ name, legend, labels, value, number, optional, extraClass }) {
  const legendId = uid(`${name}-legend`);
  const group = h(
    'fieldset',
    { class: `question ${extraClass || ''}`, role: 'radiogroup', 'aria-labelledby': legendId },
    h(
      'legend',
      { id: legendId },
      number ? h('span', { class: 'q-num', 'aria-hidden': 'true' }, `${number}`) : null,
      h('span', { class: 'q-text' }, legend),
      optional ? h('span', { class: 'optional' }, ' ', t('(optional)')) : null,
    ),
  );
  const options = h('div', { class: 'options' });
  labels.forEach((label, i) => {
    const id = uid(name);
    options.append(
      h(
        'div',
        { class: 'option' },
        h('input', { type: 'radio', id, name, value: String(i), checked: value === i }),
        h('label', { for: id }, label),
      ),
    );
  });
  group.append(options);
  return group;
}

// How bad a side effect was: [code, words], in the language shown.
function severities() {
  return [
    ['', t('How bad? (optional)')],
    ['mild', t('Mild')],
    ['moderate', t('Moderate')],
    ['severe', t('Severe')],
  ];
}

/**
 * options: [{code, label}], the side effects of the check-in form's texts; severity: the
 * {code: mild|moderate|severe} already given. A ticked side effect offers "How bad?".
 */
export function sideEffectsFieldset({ name, legend, selected = [], severity = {}, options }) {
  const set = new Set(selected);
  const box = h('fieldset', { class: 'checks' }, h('legend', {}, legend));
  const grid = h('div', { class: 'check-grid' });
  for (const { code, label } of options) {
    const id = uid(name);
    const rate = severitySelect(`${name}-severity`, code, label, severity[code]);
    rate.hidden = !set.has(code);
    const box = h('input', { type: 'checkbox', id, name, value: code, checked: set.has(code) });
    box.addEventListener('change', () => {
      rate.hidden = !box.checked;
    });
    grid.append(
      h(
        'div',
        { class: 'check-item' },
        h('div', { class: 'check' }, box, h('label', { for: id }, label)),
        rate,
      ),
    );
  }
  box.append(grid);
  return box;
}

function severitySelect(name, code, label, value) {
  const id = uid(`${name}-${code}`);
  const select = h('select', { id, name, 'data-code': code });
  for (const [val, text] of severities())
    select.append(h('option', { value: val, selected: val === (value || '') }, text));
  return h(
    'div',
    { class: 'severity' },
    h('label', { for: id, class: 'visually-hidden' }, t('How bad: {effect}', { effect: label })),
    select,
  );
}

export function readChecked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}

/** The {code: severity} of the ticked side effects rated in the fieldset called `name`. */
export function readSeverity(form, name) {
  const ticked = new Set(readChecked(form, name));
  return Object.fromEntries(
    [...form.querySelectorAll(`select[name="${name}-severity"]`)]
      .filter((s) => s.value && ticked.has(s.dataset.code))
      .map((s) => [s.dataset.code, s.value]),
  );
}

function noteCounter(textarea) {
  const counter = h('p', { class: 'hint counter', id: uid('note-room') });
  let announced = null;
  const update = () => {
    const left = NOTE_MAX - textarea.value.length;
    // Without a thousands separator, which would come and go as the count changes.
    const n = formatNumber(left, { useGrouping: false });
    counter.textContent = tn('{n} character left', '{n} characters left', left, { n });
    // Spoken only when room runs short, not on every key.
    const low = left <= 100;
    if (low !== announced) {
      counter.setAttribute('aria-live', low ? 'polite' : 'off');
      announced = low;
    }
  };
  textarea.addEventListener('input', update);
  update();
  const describedBy = textarea.getAttribute('aria-describedby');
  textarea.setAttribute('aria-describedby', [describedBy, counter.id].filter(Boolean).join(' '));
  return { element: counter, update };
}

/**
 * Builds the questions into `form`. texts: the instrument's form; values: an Entry or a
 * draft to start from, or null. Answering an item with a tap or a click moves on to the
 * next one (keys move within a group, so the keyboard is left alone).
 * Returns read() → {answers (with nulls where unanswered), difficulty, note, side_effects,
 * side_effect_severity}.
 */
export function buildEntryForm(form, texts, values = null) {
  const prefix = uid('entry');
  // The one state object: the form's parts and the pending move to the next question.
  const state = { form, prefix, items: itemGroups(prefix, texts, values), advance: null };
  Object.assign(state, difficultyGroup(state, texts, values));
  Object.assign(state, noteField(prefix, values));
  const effects = sideEffectsFieldset({
    name: `${prefix}-effects`,
    legend: t('Side effects today (optional)'),
    selected: values?.side_effects || [],
    severity: values?.side_effect_severity || {},
    options: texts.side_effects,
  });

  // The safety question (the PHQ-9's item 9) comes with the standard GAD-7 unless the clinic
  // turned it off; an edit leaves it out (the answer given stands).
  state.safety = texts.safety && !values?.id ? safetyGroup(prefix, texts.safety, values) : null;
  form.append(
    ...state.items,
    ...(state.safety ? [state.safety] : []),
    state.difficulty,
    state.note.wrap,
    effects,
  );
  form.addEventListener('click', (e) => advanceOnTap(state, e));

  return {
    items: state.items,
    safety: state.safety,
    answered: () => state.items.filter((g) => g.querySelector('input:checked')).length,
    /** Stops a pending move to the next question (the form is being saved). */
    stopAdvancing() {
      clearTimeout(state.advance);
    },
    read: () => readEntry(state),
    reset() {
      form.reset();
      state.clearDifficulty.hidden = true;
      state.counter.update();
    },
    note: state.note,
  };
}

function itemGroups(prefix, texts, values) {
  return texts.items.map((text, i) =>
    radioGroup({
      name: `${prefix}-q${i + 1}`,
      legend: text,
      labels: texts.answers,
      value: values?.answers ? values.answers[i] : null,
      number: i + 1,
    }),
  );
}

function safetyGroup(prefix, safety, values) {
  return radioGroup({
    name: `${prefix}-safety`,
    legend: safety.question,
    labels: safety.answers,
    value: values?.safety ?? null,
    extraClass: 'safety',
  });
}

// The optional difficulty question, with a button that takes its answer back.
function difficultyGroup({ form, prefix }, texts, values) {
  const difficulty = radioGroup({
    name: `${prefix}-difficulty`,
    legend: texts.difficulty.question,
    labels: texts.difficulty.answers,
    value: values ? values.difficulty : null,
    optional: true,
    extraClass: 'difficulty',
  });
  const clearDifficulty = h(
    'button',
    { type: 'button', class: 'link-button', hidden: values?.difficulty == null },
    t('Clear this answer'),
  );
  clearDifficulty.addEventListener('click', () => {
    difficulty.querySelectorAll('input').forEach((i) => {
      i.checked = false;
    });
    clearDifficulty.hidden = true;
    form.dispatchEvent(new Event('change', { bubbles: true }));
  });
  difficulty.addEventListener('change', () => {
    clearDifficulty.hidden = false;
  });
  difficulty.append(clearDifficulty);
  return { difficulty, clearDifficulty };
}

function noteField(prefix, values) {
  const note = field({
    label: t('Note (optional)'),
    name: `${prefix}-note`,
    multiline: true,
    rows: 3,
    maxlength: NOTE_MAX,
    value: values?.note || '',
    hint: t(
      'Anything you want to remember or tell your care team. Your care team reads notes at your next visit, not in real time. If you need help now, use "{help}" at the top of the screen.',
      { help: t('Need help now?') },
    ),
  });
  const counter = noteCounter(note.input);
  note.wrap.append(counter.element);
  return { note, counter };
}

// A tap or click on an item's answer moves on to the next unanswered question.
function advanceOnTap(state, e) {
  if (!(e.target instanceof HTMLInputElement) || e.target.type !== 'radio' || e.detail === 0) return;
  const { items } = state;
  const groups = [...items, ...(state.safety ? [state.safety] : []), state.difficulty];
  const index = groups.indexOf(e.target.closest('fieldset'));
  if (index < 0 || index >= items.length) return;
  const next = groups.slice(index + 1).find((g) => !g.querySelector('input:checked')) || groups[index + 1];
  if (!next) return;
  // After the tap has painted, so the choice is seen before the page moves on.
  clearTimeout(state.advance);
  state.advance = setTimeout(
    () => {
      if (!next.isConnected) return;
      next.scrollIntoView({ behavior: prefersReducedMotion() ? 'auto' : 'smooth', block: 'center' });
      next.querySelector('input')?.focus({ preventScroll: true });
    },
    prefersReducedMotion() ? 0 : 150,
  );
}

function readEntry({ form, prefix, items, note, safety }) {
  const answers = items.map((_, i) => {
    const c = form.querySelector(`input[name="${prefix}-q${i + 1}"]:checked`);
    return c ? Number(c.value) : null;
  });
  const d = form.querySelector(`input[name="${prefix}-difficulty"]:checked`);
  const s = safety ? form.querySelector(`input[name="${prefix}-safety"]:checked`) : null;
  return {
    answers,
    safety: s ? Number(s.value) : null,
    difficulty: d ? Number(d.value) : null,
    note: note.input.value.trim(),
    side_effects: readChecked(form, `${prefix}-effects`),
    side_effect_severity: readSeverity(form, `${prefix}-effects`),
  };
}
