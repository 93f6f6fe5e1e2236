// The timeline's flags: the open ones as cards to acknowledge, the earlier ones folded away.
import { post, describeError } from '../../api.js';
import { h } from '../../dom.js';
import { formatDate } from '../../dates.js';
import { FLAG_LABEL, URGENT_DISCLAIMER, flagSentence, SAFETY_SENTENCE, DETAIL_LABEL } from '../../labels.js';
import { when, round } from './format.js';

export function flagsSection(state, actions) {
  const flags = state.data.flags || [];
  const open = flags.filter((f) => f.status === 'open');
  const earlier = flags.filter((f) => f.status !== 'open').reverse();
  return [
    flags.some((f) => f.kind === 'urgent') ? h('p', { class: 'disclaimer' }, URGENT_DISCLAIMER) : null,
    open.length
      ? h(
          'ul',
          { class: 'flag-list' },
          open.map((f) => h('li', {}, flagCard(f, actions))),
        )
      : h('p', {}, 'No open flags.'),
    earlier.length ? earlierFlags(earlier, state) : null,
  ].filter(Boolean);
}

function earlierFlags(earlier, state) {
  return h(
    'details',
    {},
    h('summary', {}, `Earlier flags (${earlier.length})`),
    h(
      'ul',
      { class: 'plain-list' },
      earlier.map((f) =>
        h(
          'li',
          {},
          `${FLAG_LABEL[f.kind] || f.kind}, raised ${formatDate(f.raised_on)}: ${f.status}` +
            (f.acknowledged_at ? ` ${when(state, f.acknowledged_at)}` : '') +
            (f.resolved_at && !f.acknowledged_at ? ` ${when(state, f.resolved_at)}` : ''),
        ),
      ),
    ),
  );
}

function flagCard(f, actions) {
  const titleId = `flag-${f.id}`;
  const fmt = (d) => formatDate(d, { weekday: true });
  return h(
    'article',
    { class: `card flag flag-${f.kind}` },
    h('h3', { id: titleId }, FLAG_LABEL[f.kind] || f.kind),
    h('p', { class: 'hint' }, `Raised ${formatDate(f.raised_on, { weekday: true })}`),
    h('p', { class: 'flag-sentence' }, flagSentence(f, fmt)),
    f.details?.not_a_safety_screen ? h('p', { class: 'hint' }, SAFETY_SENTENCE) : null,
    flagFigures(f),
    acknowledgeButton(f, titleId, actions),
  );
}

function acknowledgeButton(f, titleId, actions) {
  const ack = h('button', { type: 'button', class: 'secondary', 'aria-describedby': titleId }, 'Acknowledge');
  ack.addEventListener('click', async () => {
    ack.disabled = true;
    try {
      await post(`/api/v1/flags/${encodeURIComponent(f.id)}/acknowledge`, {});
      actions.say(`Flag "${FLAG_LABEL[f.kind] || f.kind}" acknowledged.`);
      await actions.load();
      actions.focusStatus();
    } catch (err) {
      ack.disabled = false;
      actions.say(describeError(err));
    }
  });
  return ack;
}

function flagFigures(f) {
  const figures = Object.entries(f.details || {}).filter(
    ([k, v]) => v != null && k !== 'not_a_safety_screen',
  );
  if (!figures.length) return null;
  return h(
    'details',
    { class: 'flag-figures' },
    h('summary', {}, 'Figures'),
    h(
      'dl',
      { class: 'facts' },
      figures.flatMap(([k, v]) => [
        h('dt', {}, DETAIL_LABEL[k] || k.replaceAll('_', ' ')),
        h('dd', {}, figure(v)),
      ]),
    ),
  );
}

function figure(value) {
  if (Array.isArray(value)) return value.map((v) => String(v).replaceAll('_', ' ')).join(', ');
  if (typeof value === 'number') return String(round(value));
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (/^\d{4}-\d{2}-\d{2}$/.test(String(value))) return formatDate(value, { weekday: true });
  return String(value).replaceAll('_', ' ');
}
