// A few DOM helpers. No innerHTML with data, no style attributes (the CSP forbids them).
import { t, tn } from './i18n.js';

let counter = 0;
export function uid(prefix = 'id') {
  counter += 1;
  return `${prefix}-${counter}`;
}

const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'textContent', 'hidden', 'indeterminate']);

/** h('button', {class: 'x', onclick: fn}, 'text', child, [more]) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, val] of Object.entries(props || {})) {
    if (val == null || val === false) continue;
    if (key === 'class') el.className = val;
    else if (key === 'dataset') Object.assign(el.dataset, val);
    else if (key.startsWith('on') && typeof val === 'function') el.addEventListener(key.slice(2), val);
    else if (PROPS.has(key)) el[key] = val;
    else el.setAttribute(key, val === true ? '' : String(val));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/** A text field with a real label, an optional hint and an error slot. */
export function field({
  label,
  name,
  type = 'text',
  value,
  hint,
  required,
  autocomplete,
  inputmode,
  min,
  max,
  step,
  maxlength,
  multiline,
  rows,
  id,
}) {
  const inputId = id || uid(name || 'field');
  const hintId = hint ? `${inputId}-hint` : null;
  const errorId = `${inputId}-error`;
  const attrs = {
    id: inputId,
    name,
    required,
    autocomplete,
    inputmode,
    min,
    max,
    step,
    maxlength,
    'aria-describedby': hintId || null,
  };
  const input = multiline ? h('textarea', { ...attrs, rows: rows || 3 }) : h('input', { ...attrs, type });
  if (value != null) input.value = value;
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const hintEl = hint ? h('p', { class: 'hint', id: hintId }, hint) : null;
  const wrap = h('div', { class: 'field' }, h('label', { for: inputId }, label), hintEl, input, error);
  return {
    wrap,
    input,
    hint: hintEl,
    setError(message) {
      if (message) {
        error.textContent = message;
        error.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
      } else {
        error.textContent = '';
        error.hidden = true;
        input.removeAttribute('aria-invalid');
        if (hintId) input.setAttribute('aria-describedby', hintId);
        else input.removeAttribute('aria-describedby');
      }
    },
  };
}

/** Checkbox row with its label. */
export function checkbox({ label, name, value, checked, id, description }) {
  const inputId = id || uid(name || 'check');
  const input = h('input', { type: 'checkbox', id: inputId, name, value, checked: !!checked });
  return h(
    'div',
    { class: 'check' },
    input,
    h('label', { for: inputId }, label, description ? h('span', { class: 'hint' }, description) : null),
  );
}

export function selectField({ label, name, options, value, id, hint }) {
  const selId = id || uid(name || 'select');
  const hintId = hint ? `${selId}-hint` : null;
  const select = h('select', { id: selId, name, 'aria-describedby': hintId });
  for (const [val, text] of options) {
    select.append(h('option', { value: val, selected: val === value }, text));
  }
  const wrap = h(
    'div',
    { class: 'field' },
    h('label', { for: selId }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    select,
  );
  return { wrap, select };
}

/**
 * A "Time range" group of day counts, one pressed: `days` (e.g. [30, 90]); the
 * choice is kept for the tab's session under `key` (`fallback` before any).
 * `onChange(n)` when another is chosen. Returns { element, value() }.
 */
export function rangePicker({ days, key, fallback, onChange }) {
  const stored = Number(sessionStorage.getItem(`afterglow:${key}`));
  let current = days.includes(stored) ? stored : fallback;
  const buttons = days.map((n) =>
    h(
      'button',
      { type: 'button', class: 'segment', 'aria-pressed': String(n === current), value: String(n) },
      tn('{n} day', '{n} days', n),
    ),
  );
  const element = h('div', { class: 'segmented', role: 'group', 'aria-label': t('Time range') }, buttons);
  element.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b || Number(b.value) === current) return;
    current = Number(b.value);
    sessionStorage.setItem(`afterglow:${key}`, String(current));
    for (const btn of buttons) btn.setAttribute('aria-pressed', String(Number(btn.value) === current));
    onChange(current);
  });
  return { element, value: () => current };
}

/**
 * A modal question: `title`, `text` and two `choices` ([{ value, label, primary }]).
 * Resolves true when the user picked the choice whose value is `confirm`; Escape
 * or the other choice resolves false.
 */
export function confirmDialog({ title, text, choices, confirm }) {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      h('p', {}, text),
      h(
        'div',
        { class: 'actions' },
        choices.map(({ value, label, primary }) =>
          h('button', { type: 'button', class: primary ? 'primary' : 'secondary', value }, label),
        ),
      ),
    );
    dialog.addEventListener('click', (e) => {
      const value = e.target.closest('button')?.value;
      if (value) dialog.close(value);
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === confirm);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Moves focus to an element that is not normally focusable (a heading, a message). */
export function focusQuietly(el) {
  if (!el) return;
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus({ preventScroll: false });
}

export function prefersReducedMotion() {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

export function scrollIntoViewGently(el) {
  el?.scrollIntoView({ behavior: prefersReducedMotion() ? 'auto' : 'smooth', block: 'start' });
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
