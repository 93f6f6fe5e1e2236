// The GAD-7 form, shared by a new check-in and the same-day edit.
import { h, uid, field } from './dom.js';
import { ITEMS, ANSWERS, DIFFICULTY_QUESTION, DIFFICULTY, SIDE_EFFECTS } from './gad7.js';

function radioGroup({ name, legend, labels, value, number, optional, extraClass }) {
  const legendId = uid(`${name}-legend`);
  const group = h('fieldset', { class: `question ${extraClass || ''}`, role: 'radiogroup', 'aria-labelledby': legendId },
    h('legend', { id: legendId },
      number ? h('span', { class: 'q-num', 'aria-hidden': 'true' }, `${number}`) : null,
      h('span', { class: 'q-text' }, legend),
      optional ? h('span', { class: 'optional' }, ' (optional)') : null));
  const options = h('div', { class: 'options' });
  labels.forEach((label, i) => {
    const id = uid(name);
    options.append(h('div', { class: 'option' },
      h('input', { type: 'radio', id, name, value: String(i), checked: value === i }),
      h('label', { for: id }, label)));
  });
  group.append(options);
  return group;
}

export function sideEffectsFieldset({ name, legend, selected = [] }) {
  const set = new Set(selected);
  const box = h('fieldset', { class: 'checks' }, h('legend', {}, legend));
  const grid = h('div', { class: 'check-grid' });
  for (const [value, label] of SIDE_EFFECTS) {
    const id = uid(name);
    grid.append(h('div', { class: 'check' },
      h('input', { type: 'checkbox', id, name, value, checked: set.has(value) }),
      h('label', { for: id }, label)));
  }
  box.append(grid);
  return box;
}

export function readChecked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}

/**
 * Builds the questions into `form`. entry: an Entry to edit, or null.
 * Returns read() → {answers (with nulls where unanswered), difficulty, note, side_effects}.
 */
export function buildEntryForm(form, entry = null) {
  const prefix = uid('entry');
  const items = ITEMS.map((text, i) => radioGroup({
    name: `${prefix}-q${i + 1}`,
    legend: text,
    labels: ANSWERS,
    value: entry ? entry.answers[i] : null,
    number: i + 1,
  }));
  const difficulty = radioGroup({
    name: `${prefix}-difficulty`,
    legend: DIFFICULTY_QUESTION,
    labels: DIFFICULTY,
    value: entry ? entry.difficulty : null,
    optional: true,
    extraClass: 'difficulty',
  });
  const clearDifficulty = h('button', { type: 'button', class: 'link-button', hidden: entry?.difficulty == null }, 'Clear this answer');
  clearDifficulty.addEventListener('click', () => {
    difficulty.querySelectorAll('input').forEach((i) => { i.checked = false; });
    clearDifficulty.hidden = true;
  });
  difficulty.addEventListener('change', () => { clearDifficulty.hidden = false; });
  difficulty.append(clearDifficulty);

  const note = field({
    label: 'Note (optional)', name: `${prefix}-note`, multiline: true, rows: 3, maxlength: 2000,
    value: entry?.note || '', hint: 'Anything you want to remember or tell your care team.',
  });
  const effects = sideEffectsFieldset({
    name: `${prefix}-effects`, legend: 'Side effects today (optional)', selected: entry?.side_effects || [],
  });

  form.append(...items, difficulty, note.wrap, effects);

  return {
    items,
    read() {
      const answers = items.map((_, i) => {
        const c = form.querySelector(`input[name="${prefix}-q${i + 1}"]:checked`);
        return c ? Number(c.value) : null;
      });
      const d = form.querySelector(`input[name="${prefix}-difficulty"]:checked`);
      return {
        answers,
        difficulty: d ? Number(d.value) : null,
        note: note.input.value.trim(),
        side_effects: readChecked(form, `${prefix}-effects`),
      };
    },
    reset() {
      form.reset();
      clearDifficulty.hidden = true;
    },
    note,
  };
}
