// "Done for today": the score in plain words, the last days, where to turn if things get
// worse, and "Edit today's check-in".
import { get } from '../../api.js';
import { h, clear } from '../../dom.js';
import { bandOf } from '../../gad7.js';
import { addDays, formatDate, formatTime } from '../../dates.js';
import * as outbox from '../../outbox.js';
import { t, formatNumber } from '../../i18n.js';
import { textsFor } from './entries.js';

const RECENT_DAYS = 7;

export async function showDone(state, actions, { entry, queued }) {
  state.dispose?.();
  state.dispose = null;
  const texts = await textsFor(state, entry.instrument || state.due.instrument);
  if (!actions.isCurrent()) return;
  actions.showCrisis(entry.safety > 0 ? crisisHelp(state, entry) : null);
  const recent = h('div', {});
  const waiting = queued
    ? h('p', {}, t('It is saved on this device and will be sent when you are online.'))
    : null;
  if (queued) state.dispose = removeWhenSent(state.user, entry, waiting);
  actions.show(
    doneCard(state, actions, { entry, queued }, texts, waiting),
    h(
      'section',
      { 'aria-labelledby': 'recent-title' },
      h('h2', { id: 'recent-title' }, t('Your last days')),
      recent,
    ),
    supportBox(state.due.support),
  );
  showRecent(state, actions, recent, entry);
}

// Once the outbox has sent it, the sentence is no longer true.
function removeWhenSent(user, entry, waiting) {
  const onChange = async () => {
    const items = await outbox.list(user.id).catch(() => null);
    if (items && !items.some((item) => item.id === entry.id || item.payload.entry_id === entry.id)) {
      waiting.remove();
      window.removeEventListener('outbox-change', onChange);
    }
  };
  window.addEventListener('outbox-change', onChange);
  return () => window.removeEventListener('outbox-change', onChange);
}

function doneCard(state, actions, done, texts, waiting) {
  const { entry } = done;
  const band = bandOf(texts, entry.total);
  const edit = h('button', { type: 'button', class: 'secondary wide' }, t("Edit today's check-in"));
  edit.addEventListener('click', () => actions.showForm(done));
  return h(
    'section',
    { class: 'card done', 'aria-labelledby': 'done-title' },
    h('h2', { id: 'done-title' }, t('Done for today')),
    h(
      'p',
      { class: 'done-score' },
      t('You checked in at {time}.', { time: formatTime(entry.recorded_at, state.user.timezone) }),
      ' ',
      h(
        'strong',
        {},
        t('Your score is {total} out of {max}: {band}.', {
          total: formatNumber(entry.total),
          max: formatNumber(texts.max_total),
          band: band.label,
        }),
      ),
    ),
    h('p', { class: 'hint' }, texts.guide),
    waiting,
    edit,
  );
}

/** The crisis help of a safety answer above 0: the server's, else the words kept for offline. */
function crisisHelp(state, entry) {
  const support = state.due.support || {};
  return (
    entry.crisis ||
    state.due.safety?.crisis || {
      message: support.crisis_message,
      line: support.crisis || t('your local emergency number'),
    }
  );
}

/** Crisis help, shown at once and first: what to do now, the crisis line (a call link), the clinic. */
export function crisisBox({ message, line }) {
  return h(
    'section',
    { class: 'crisis-box', 'aria-labelledby': 'crisis-title' },
    h('h2', { id: 'crisis-title', tabindex: '-1' }, t('Help is here now')),
    message ? h('p', {}, message) : null,
    h('p', { class: 'crisis-line' }, t('Crisis line:'), ' ', callable(line)),
  );
}

/** A text with a phone number in it, with the number as a link that dials it. */
export function callable(text) {
  const match = String(text || '').match(/\+?\d[\d\s().-]{1,18}\d|\b\d{3}\b/);
  if (!match) return h('strong', {}, text);
  const number = match[0].replace(/[^\d+]/g, '');
  const before = text.slice(0, match.index);
  const after = text.slice(match.index + match[0].length);
  return h('strong', {}, before, h('a', { href: `tel:${number}`, class: 'call' }, match[0]), after);
}

function supportBox(support) {
  const clinic = support?.clinic;
  return h(
    'section',
    { class: 'support-box', 'aria-labelledby': 'worse-title' },
    h('h2', { id: 'worse-title' }, t('If you feel worse')),
    h(
      'p',
      {},
      clinic
        ? t('Call your clinic: {clinic}.', { clinic })
        : t('Call your clinic and tell them how you feel.'),
      ' ',
      t('Your care team reads your diary, but not around the clock.'),
    ),
    h(
      'p',
      {},
      t('If you are in crisis or thinking about harming yourself, call {line} now.', {
        line: support?.crisis || t('your local emergency number'),
      }),
    ),
  );
}

/** The last days, today's check-in included (it may not have reached the server yet), from
 * the day the patient joined (or an earlier day they made a check-in for) at the earliest. */
async function showRecent(state, actions, slot, todays) {
  const { today, due } = state;
  let entries;
  try {
    ({ items: entries } = await get(
      `/api/v1/patients/me/entries?from=${addDays(today, -(RECENT_DAYS - 1))}&to=${today}`,
    ));
  } catch {
    // Offline (or the server away): "no check-in" beside each day would be untrue, and worrying.
    if (actions.isCurrent())
      clear(slot).append(
        h('p', { class: 'hint' }, t('Your last days will show here when you are back online.')),
      );
    return;
  }
  if (!actions.isCurrent()) return;
  const byDay = new Map();
  for (const e of entries) byDay.set(e.local_date, e);
  byDay.set(today, todays);
  const first = [due.first_day, ...byDay.keys()].filter(Boolean).sort()[0] || today;
  const rows = [];
  for (let i = 0; i < RECENT_DAYS && addDays(today, -i) >= first; i += 1) {
    const day = addDays(today, -i);
    rows.push(recentDay(i === 0 ? t('Today') : formatDate(day, { weekday: true }), byDay.get(day), due));
  }
  clear(slot).append(
    h('ul', { class: 'recent-list' }, rows),
    h('p', {}, h('a', { href: '#/history' }, t('All your check-ins'))),
  );
}

function recentDay(label, e, due) {
  return h(
    'li',
    { class: e ? 'recent-day' : 'recent-day none' },
    h('span', { class: 'recent-date' }, label),
    e
      ? h(
          'span',
          { class: 'recent-score' },
          formatNumber(e.total),
          h(
            'span',
            { class: 'recent-band' },
            ' ',
            e.instrument === 'gad7'
              ? t('{band} (two-week check)', { band: bandOf(due, e.total).label })
              : bandOf(due, e.total).label,
          ),
        )
      : h('span', { class: 'recent-none' }, t('no check-in')),
  );
}
