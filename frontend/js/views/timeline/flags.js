// The timeline's flags: the open ones as cards to acknowledge (with a note, and an Undo for a
// few minutes), the acknowledged ones with their note, the earlier ones folded away with why they closed.
import { post, describeError, ApiError } from '../../api.js';
import { h, field } from '../../dom.js';
import { formatDate } from '../../dates.js';
import {
  flagLabel,
  urgentDisclaimer,
  flagSentence,
  safetySentence,
  DETAIL_LABEL,
  RESOLUTION_LABEL,
} from '../../labels.js';
import { t, tn } from '../../i18n.js';
import { when, num, codeWords, forecastWhy } from './format.js';

export function flagsSection(state, actions) {
  const flags = state.data.flags || [];
  const open = flags.filter((f) => f.status === 'open');
  const acknowledged = flags.filter((f) => f.status === 'acknowledged').reverse();
  const earlier = flags.filter((f) => f.status === 'resolved').reverse();
  return [
    undoBar(state, actions),
    flags.some((f) => f.kind === 'urgent') ? h('p', { class: 'disclaimer' }, urgentDisclaimer()) : null,
    open.length
      ? h(
          'ul',
          { class: 'flag-list' },
          open.map((f) => h('li', {}, flagCard(f, state, actions))),
        )
      : h('p', {}, t('No open flags.')),
    acknowledged.length
      ? h('p', { class: 'hint', id: 'acknowledged-flags' }, t('Acknowledged, still standing:'))
      : null,
    acknowledged.length
      ? h(
          'ul',
          { class: 'flag-list', 'aria-labelledby': 'acknowledged-flags' },
          acknowledged.map((f) => h('li', {}, flagCard(f, state, actions))),
        )
      : null,
    earlier.length ? earlierFlags(earlier, state) : null,
  ].filter(Boolean);
}

/** After an acknowledgement: a line saying so, with Undo while the window lasts. */
function undoBar(state, actions) {
  const undo = state.undo;
  if (!undo || Date.now() > undo.until) return null;
  const button = h('button', { type: 'button', class: 'secondary small' }, t('Undo'));
  const bar = h(
    'div',
    { class: 'undo-bar' },
    h(
      'span',
      {},
      tn(
        '"{flag}" acknowledged. You can undo this for {n} minute.',
        '"{flag}" acknowledged. You can undo this for {n} minutes.',
        undo.minutes,
        { flag: undo.label },
      ),
    ),
    button,
  );
  const timer = setTimeout(() => bar.remove(), undo.until - Date.now());
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await post(`/api/v1/flags/${encodeURIComponent(undo.id)}/unacknowledge`, {});
      clearTimeout(timer);
      state.undo = null;
      actions.say(t('Acknowledgement undone: "{flag}" is open again.', { flag: undo.label }));
      await actions.load();
      actions.focusStatus();
    } catch (err) {
      state.undo = null;
      bar.remove();
      actions.say(describeError(err));
      actions.focusStatus();
    }
  });
  return bar;
}

function earlierFlags(earlier, state) {
  return h(
    'details',
    {},
    h('summary', {}, t('Earlier flags ({count})', { count: earlier.length })),
    h(
      'ul',
      { class: 'plain-list' },
      earlier.map((f) =>
        h(
          'li',
          { class: 'flag-earlier' },
          ...inBold(
            t('{flag}, raised {date}', { date: formatDate(f.raised_on) }),
            '{flag}',
            flagLabel(f.kind),
          ),
          flagHistory(f, state),
        ),
      ),
    ),
  );
}

/** A translated text with its placeholder (left unfilled) shown as a bold name: [before, <strong>, after]. */
function inBold(text, placeholder, name) {
  const at = text.indexOf(placeholder);
  if (at < 0) return [h('strong', {}, name), ' ', text];
  return [text.slice(0, at), h('strong', {}, name), text.slice(at + placeholder.length)];
}

/** What became of a flag: who acknowledged it and their note, and why it closed, in words. */
function flagHistory(f, state) {
  const lines = [];
  if (f.acknowledged_at) {
    lines.push(h('p', { class: 'ack-line' }, acknowledgedLine(f, when(state, f.acknowledged_at))));
  }
  if (f.status === 'resolved') {
    const why = RESOLUTION_LABEL[f.resolution] || t('closed');
    const text = f.resolved_at
      ? t('{why}, {time}.', { why, time: when(state, f.resolved_at) })
      : t('{why}.', { why });
    lines.push(h('p', { class: 'resolution-line' }, `${text.charAt(0).toLocaleUpperCase()}${text.slice(1)}`));
  }
  return lines.length ? h('div', { class: 'flag-history' }, lines) : null;
}

/** Who acknowledged a flag, when, and their note (the note and the name are data). */
function acknowledgedLine(f, time) {
  const values = { name: f.acknowledged_by_name, time, note: f.acknowledge_note };
  if (f.acknowledged_by_name) {
    return f.acknowledge_note
      ? t('Acknowledged by {name}, {time}: “{note}”', values)
      : t('Acknowledged by {name}, {time}.', values);
  }
  return f.acknowledge_note
    ? t('Acknowledged, {time}: “{note}”', values)
    : t('Acknowledged, {time}.', values);
}

function flagCard(f, state, actions) {
  const titleId = `flag-${f.id}`;
  const fmt = (d) => formatDate(d, { weekday: true });
  return h(
    'article',
    { class: `card flag flag-${f.kind}` },
    h('h3', { id: titleId }, flagLabel(f.kind)),
    h('p', { class: 'hint' }, t('Raised {date}', { date: formatDate(f.raised_on, { weekday: true }) })),
    h('p', { class: 'flag-sentence' }, flagSentence(f, fmt)),
    f.details?.not_a_safety_screen ? h('p', { class: 'hint' }, safetySentence()) : null,
    forecastHistory(f, fmt),
    f.kind === 'side_effect' ? null : flagFigures(f),
    flagHistory(f, state),
    f.status === 'open' ? acknowledgeForm(f, titleId, state, actions) : null,
  );
}

/** A note (optional, or required for a safety flag) and the Acknowledge button. */
function acknowledgeForm(f, titleId, state, actions) {
  const required = f.note_required;
  const note = field({
    label: required ? t('What was done (required)') : t('What was done (optional)'),
    name: 'note',
    id: `ack-note-${f.id}`,
    maxlength: 2000,
    required: required || null,
    hint: t('For example: called, booked for Tuesday. The care team sees it with the flag.'),
  });
  const ack = h(
    'button',
    { type: 'submit', class: 'secondary', 'aria-describedby': titleId },
    t('Acknowledge'),
  );
  const form = h('form', { class: 'ack-form', novalidate: true }, note.wrap, ack);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = note.input.value.trim();
    note.setError(null);
    if (required && !text) {
      note.setError(t('Say what was done before acknowledging this flag.'));
      note.input.focus();
      return;
    }
    ack.disabled = true;
    const label = flagLabel(f.kind);
    try {
      const saved = await post(
        `/api/v1/flags/${encodeURIComponent(f.id)}/acknowledge`,
        text ? { note: text } : {},
      );
      // The server says until when it can be undone (its clock and its window, not this phone's).
      const left = saved.undo_until ? Date.parse(saved.undo_until) - Date.parse(saved.acknowledged_at) : 0;
      state.undo = { id: f.id, label, until: Date.now() + left, minutes: Math.round(left / 60000) };
      actions.say(t('Flag "{flag}" acknowledged.', { flag: label }));
      await actions.load();
      actions.focusStatus();
    } catch (err) {
      ack.disabled = false;
      if (err instanceof ApiError && err.fields?.note) note.setError(err.fields.note.join(' '));
      actions.say(describeError(err));
    }
  });
  return form;
}

// What a plan_maintenance flag said when: it follows the forecast (docs/relief.md).
function forecastHistory(f, fmt) {
  const history = f.details?.history || [];
  if (history.length < 2) return null;
  return h(
    'details',
    { class: 'flag-history' },
    h(
      'summary',
      {},
      tn('What this flag said ({n} forecast)', 'What this flag said ({n} forecasts)', history.length),
    ),
    h(
      'ul',
      { class: 'plain-list' },
      history.map((e) =>
        h(
          'li',
          {},
          t('{date}: wear-off around {wear_off}, session by {session_by}', {
            date: fmt(e.on),
            wear_off: fmt(e.predicted_wear_off_date),
            session_by: fmt(e.suggested_session_by),
          }),
        ),
      ),
    ),
  );
}

// Said in the flag's sentence already, kept for its history, or ids no one reads.
const NOT_FIGURES = new Set([
  'not_a_safety_screen',
  'not_a_risk_assessment',
  'history',
  'raised_with',
  'forecast_on',
  'reason',
  'answer_label',
  'why_parts',
  'entry_id',
  'entry_ids',
]);

function flagFigures(f) {
  const figures = Object.entries(f.details || {}).filter(([k, v]) => v != null && !NOT_FIGURES.has(k));
  if (!figures.length) return null;
  return h(
    'details',
    { class: 'flag-figures' },
    h('summary', {}, t('Figures')),
    h(
      'dl',
      { class: 'facts' },
      figures.flatMap(([k, v]) => [
        h('dt', {}, DETAIL_LABEL[k] || k.replaceAll('_', ' ')),
        h('dd', {}, k === 'why' ? forecastWhy(f.details) : figure(v, k)),
      ]),
    ),
  );
}

function figure(value, key) {
  const code = (v) => codeWords(key)[v] || String(v).replaceAll('_', ' ');
  if (Array.isArray(value)) return value.map(code).join(', ');
  if (typeof value === 'number') return num(value);
  if (typeof value === 'boolean') return value ? t('yes') : t('no');
  if (/^\d{4}-\d{2}-\d{2}$/.test(String(value))) return formatDate(value, { weekday: true });
  return code(value);
}
