// History: a chart of daily scores over 30 or 90 days, and the check-ins: inside the
// backfill window each can be changed or deleted (after a confirmation), offline too (the
// change waits in the outbox); older ones are read-only, as the care team has seen them.
import { get, patch, del, NetworkError, isTransient, describeError } from '../api.js';
import { h, clear, append, focusQuietly, uid, uuid, confirmDialog, rangePicker } from '../dom.js';
import { loadForm, loadDueForm, bandOf, scoreSentence, sideEffectLabels, answerList } from '../gad7.js';
import { localDate, addDays, formatDate, formatTime } from '../dates.js';
import { buildEntryForm } from '../entryform.js';
import { chartFigure, summarise } from '../chartfigure.js';
import { pendingPanel } from '../pending.js';
import * as outbox from '../outbox.js';
import { flushOutbox } from '../sync.js';
import { t, tn, formatNumber, locale } from '../i18n.js';

const RANGES = [30, 90];

export function dailyScores(entries) {
  const latest = new Map();
  for (const e of entries.filter((x) => x.instrument !== 'gad7')) {
    const prev = latest.get(e.local_date);
    if (!prev || prev.recorded_at <= e.recorded_at) latest.set(e.local_date, e);
  }
  return [...latest.values()]
    .sort((a, b) => a.local_date.localeCompare(b.local_date))
    .map((e) => ({ date: e.local_date, score: e.total, severity: e.severity }));
}

export async function render(ctx) {
  const { user } = ctx;
  const today = localDate(new Date(), user.timezone);
  const [daily, standard, due] = await Promise.all([
    loadForm('daily'),
    loadForm('gad7'),
    loadDueForm(today).catch(() => null),
  ]);
  const state = {
    user,
    today,
    daily,
    standard,
    sideEffectLabel: sideEffectLabels(daily),
    backfillDays: due?.backfill_days ?? 7,
    chart: null,
    editing: null, // closes the check-in being changed, if any
  };
  const status = h('div', { role: 'status', class: 'status' });
  const pending = pendingPanel(user);
  const ranges = rangePicker({ days: RANGES, key: 'history-range', fallback: 30, onChange: () => load() });
  const slots = { chart: h('div', { class: 'chart-slot' }), list: h('div', { class: 'entries' }) };
  const actions = {
    load,
    isCurrent: ctx.isCurrent,
    say: (text) => {
      status.textContent = text;
      focusQuietly(status);
    },
  };

  ctx.main.append(
    h(
      'section',
      { class: 'page' },
      h('h1', {}, t('History')),
      h(
        'p',
        { class: 'lead' },
        tn(
          'Your daily scores, lower is calmer. {guide} Check-ins from the last day can still be changed or deleted.',
          'Your daily scores, lower is calmer. {guide} Check-ins from the last {n} days can still be changed or deleted.',
          state.backfillDays,
          { guide: daily.guide },
        ),
      ),
      status,
      pending.element,
      ranges.element,
      slots.chart,
      h('h2', {}, t('Check-ins')),
      slots.list,
    ),
  );

  await load();

  function load() {
    return loadHistory(state, actions, slots, ranges.value());
  }
  // Changes saved offline have reached the server (or were refused): show what it holds now.
  const onFlushed = () => {
    status.textContent = ''; // "…will be sent when you are online" is no longer true
    load();
  };
  window.addEventListener('outbox-flushed', onFlushed);

  return () => {
    state.chart?.dispose();
    pending.dispose();
    window.removeEventListener('outbox-flushed', onFlushed);
  };
}

async function loadHistory(state, actions, slots, rangeDays) {
  const { today } = state;
  const from = addDays(today, -(rangeDays - 1));
  let entries;
  let treatments;
  try {
    [{ items: entries }, { items: treatments }] = await Promise.all([
      get(`/api/v1/patients/me/entries?from=${from}&to=${today}`),
      get('/api/v1/patients/me/treatments'),
    ]);
  } catch (err) {
    if (!actions.isCurrent()) return;
    state.chart?.dispose();
    state.chart = null;
    clear(slots.chart).append(
      h(
        'p',
        { class: 'notice' },
        err instanceof NetworkError
          ? t('You are offline. Your history will appear here when you are back online.')
          : describeError(err),
      ),
    );
    clear(slots.list);
    return;
  }
  const waiting = await waitingChanges(state.user);
  if (!actions.isCurrent()) return;
  state.chart?.dispose();
  state.chart = historyChart(state, { from, rangeDays, entries, treatments });
  clear(slots.chart).append(state.chart.element);
  renderList(
    state,
    actions,
    slots.list,
    entries.map((entry) => withWaiting(entry, waiting)),
  );
}

/** The changes of stored check-ins waiting in the outbox, by check-in id (the last one wins). */
async function waitingChanges(user) {
  const items = await outbox.list(user.id).catch(() => []);
  const byEntry = new Map();
  for (const { payload } of items) {
    if (outbox.kindOf(payload) !== 'create' && !payload.refused) byEntry.set(payload.entry_id, payload);
  }
  return byEntry;
}

/** A stored check-in as it will be once its waiting change is sent. */
function withWaiting(entry, waiting) {
  const change = waiting.get(entry.id);
  if (!change) return entry;
  if (change.kind === 'delete') return { ...entry, waiting: 'delete' };
  const answers = change.changes.answers || entry.answers;
  return { ...entry, ...change.changes, total: answers.reduce((a, b) => a + b, 0), waiting: 'edit' };
}

/** Inside the backfill window: the patient may still change or delete it. */
function changeable(state, entry) {
  return Date.now() - new Date(entry.recorded_at).getTime() < state.backfillDays * 86400000;
}

function historyChart(state, { from, rangeDays, entries, treatments }) {
  const { today, daily } = state;
  const days = dailyScores(entries);
  const standardDays = entries
    .filter((e) => e.instrument === 'gad7')
    .map((e) => ({ date: e.local_date, score: e.total }));
  const sessions = treatments.map((done) => ({ date: done.local_date, planned: done.status === 'planned' }));
  const inRange = sessions.filter((s) => s.date >= from && s.date <= today);
  const hasDone = inRange.some((s) => !s.planned);
  const hasPlanned = inRange.some((s) => s.planned);
  return chartFigure({
    title: tn('Your daily scores, last {n} day', 'Your daily scores, last {n} days', rangeDays),
    summary: summarise(days, from, today),
    spec: {
      from,
      to: today,
      days,
      standard: standardDays,
      sessions,
      bands: daily.bands,
      maxScore: daily.max_total,
    },
    extraRows: standardDays.map((d) => ({ ...d, label: t('two-week check') })),
    key: [
      ['score', t('Your score for the day (0 to 21)')],
      standardDays.length ? ['standard', t('Your two-week check (standard GAD-7)')] : null,
      hasDone ? ['session', t('A treatment session')] : null,
      hasPlanned ? ['planned', t('A planned session')] : null,
      ['bands', t('Shaded: minimal, mild, moderate, severe')],
    ].filter(Boolean),
  });
}

function renderList(state, actions, slot, entries) {
  clear(slot);
  state.editing = null;
  if (!entries.length) {
    slot.append(
      h(
        'p',
        {},
        t('No check-ins in this period yet.'),
        ' ',
        h('a', { href: '#/checkin' }, t("Go to today's check-in")),
      ),
    );
    return;
  }
  const list = h('ul', { class: 'entry-list' });
  let noted = false;
  for (const entry of entries.slice().reverse()) {
    if (!noted && !changeable(state, entry)) {
      // One line where the read-only check-ins begin, not one on every card.
      noted = true;
      list.append(
        h(
          'li',
          { class: 'window-note' },
          tn(
            'Check-ins older than {n} day are kept as your care team has seen them. If one needs to change, please ask your care team.',
            'Check-ins older than {n} days are kept as your care team has seen them. If one needs to change, please ask your care team.',
            state.backfillDays,
          ),
        ),
      );
    }
    list.append(h('li', {}, entryCard(state, actions, entry)));
  }
  slot.append(list);
}

/** A check-in's day and time: "Thu, 3 Dec, 10:00 MST". */
function whenOf(state, entry) {
  return t('{day}, {time}', {
    day: formatDate(entry.local_date, { weekday: true }),
    time: formatTime(entry.recorded_at, state.user.timezone),
  });
}

/** "a, b and c" as the language joins a list. */
function listOf(items) {
  return new Intl.ListFormat(locale(), { type: 'unit' }).format(items);
}

const textsOf = (state, entry) => (entry.instrument === 'gad7' ? state.standard : state.daily);

/** A check-in as a card; it turns into a form to change it, and back. */
function entryCard(state, actions, entry) {
  const headingId = uid('entry');
  const element = h('article', { class: 'card entry', 'aria-labelledby': headingId });
  const card = { element, headingId, entry };
  card.show = () => showEntry(state, actions, card);
  card.edit = () => editEntry(state, actions, card);
  card.show();
  return card.element;
}

function showEntry(state, actions, card) {
  const { element, headingId, entry, edit } = card;
  element.classList.remove('editing');
  clear(element);
  // append() skips the absent note and side effects (Element.append would print "null").
  const texts = textsOf(state, entry);
  append(element, [
    h(
      'h3',
      { id: headingId },
      entry.instrument === 'gad7'
        ? t('{when} (two-week check)', { when: whenOf(state, entry) })
        : whenOf(state, entry),
    ),
    h(
      'p',
      { class: 'score-line' },
      h(
        'strong',
        {},
        t('Score {score} out of {max}', {
          score: formatNumber(entry.total),
          max: formatNumber(texts.max_total),
        }),
      ),
      ` · ${bandOf(texts, entry.total).label}`,
    ),
    h(
      'details',
      {},
      h('summary', {}, t('Your answers')),
      h('p', { class: 'hint' }, texts.stem),
      answerList(texts, entry),
    ),
    entry.note ? h('p', { class: 'note' }, entry.note) : null,
    entry.side_effects?.length
      ? h(
          'p',
          {},
          t('Side effects: {list}', {
            list: listOf(entry.side_effects.map((s) => state.sideEffectLabel[s] || s)),
          }),
        )
      : null,
  ]);
  if (entry.waiting) {
    element.append(
      h(
        'p',
        { class: 'waiting' },
        entry.waiting === 'delete'
          ? t('Saved on this device: it will be deleted when you are back online.')
          : t('Your change is saved on this device and will be sent when you are online.'),
      ),
    );
  }
  if (entry.waiting === 'delete' || !changeable(state, entry)) return;
  const change = h(
    'button',
    { type: 'button', class: 'secondary', 'aria-describedby': headingId },
    t('Change this check-in'),
  );
  change.addEventListener('click', () => edit());
  const remove = h(
    'button',
    { type: 'button', class: 'quiet', 'aria-describedby': headingId },
    t('Delete this check-in'),
  );
  remove.addEventListener('click', () => confirmDelete(state, actions, card, remove));
  element.append(h('div', { class: 'actions' }, change, remove));
}

function editEntry(state, actions, card) {
  const { element, headingId, entry } = card;
  if (state.editing) state.editing();
  actions.say(''); // "Your changes are saved" was about another edit
  clear(element);
  element.classList.add('editing');
  const form = h('form', { class: 'checkin', novalidate: true });
  const entryForm = buildEntryForm(form, textsOf(state, entry), entry);
  const problem = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const cancel = h('button', { type: 'button', class: 'secondary' }, t('Cancel'));
  form.append(
    problem,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('Save changes')),
      cancel,
    ),
  );
  const title = h(
    'h3',
    { id: headingId },
    t('Change your check-in from {time}', { time: formatTime(entry.recorded_at, state.user.timezone) }),
  );
  element.append(title, form);
  focusQuietly(title);
  state.editing = () => {
    card.show();
    state.editing = null;
  };
  cancel.addEventListener('click', () => {
    card.show();
    state.editing = null;
    element.querySelector('button')?.focus();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    saveChanges(state, actions, card, entryForm, problem);
  });
}

async function saveChanges(state, actions, card, entryForm, problem) {
  const values = entryForm.read();
  if (values.answers.includes(null)) {
    problem.textContent = t('Please answer all seven questions.');
    problem.hidden = false;
    return;
  }
  const body = {
    answers: values.answers,
    difficulty: values.difficulty,
    note: values.note,
    side_effects: values.side_effects,
    side_effect_severity: values.side_effect_severity,
  };
  try {
    const { entry: saved, queued } = await sendOrQueue(
      state,
      card.entry,
      'edit',
      () => patch(`/api/v1/entries/${card.entry.id}`, body),
      body,
    );
    Object.assign(card.entry, queued ? withWaiting(card.entry, new Map([[card.entry.id, queued]])) : saved);
    card.show();
    state.editing = null;
    const sentence = scoreSentence(textsOf(state, card.entry), card.entry.total);
    actions.say(
      queued
        ? t('Your changes are saved on this device and will be sent when you are online. {score}', {
            score: sentence,
          })
        : t('Your changes are saved. {score}', { score: sentence }),
    );
    if (!queued) actions.load();
  } catch (err) {
    problem.textContent = describeError(err);
    problem.hidden = false;
  }
}

/**
 * Sends a change now, or, without a connection, keeps it in the outbox with its own key
 * (sent once, when online). Resolves {entry} when sent, {queued: payload} when kept. A
 * check-in with a change still waiting takes this one through the outbox too, behind it
 * (merged), so the older change can never arrive after the newer one.
 */
async function sendOrQueue(state, entry, kind, send, changes) {
  const behind = entry.waiting === 'edit';
  try {
    if (navigator.onLine === false) throw new NetworkError();
    if (!behind) return { entry: await send() };
  } catch (err) {
    if (!isTransient(err) || !outbox.isSupported()) throw err;
  }
  const payload = { kind, id: uuid(), entry_id: entry.id, recorded_at: entry.recorded_at };
  if (changes) payload.changes = changes;
  await outbox.queueChange(state.user.id, payload);
  if (behind) flushOutbox().catch(() => {});
  return { queued: payload };
}

async function confirmDelete(state, actions, card, button) {
  const { entry } = card;
  const when = whenOf(state, entry);
  if (!(await askToDelete(when))) {
    button.focus();
    return;
  }
  try {
    const { queued } = await sendOrQueue(state, entry, 'delete', () => del(`/api/v1/entries/${entry.id}`));
    if (queued) {
      card.entry.waiting = 'delete';
      card.show();
      actions.say(t('The check-in from {when} will be deleted when you are back online.', { when }));
      return;
    }
    actions.say(t('The check-in from {when} is deleted.', { when }));
    await actions.load();
  } catch (err) {
    actions.say(describeError(err));
  }
}

function askToDelete(when) {
  return confirmDialog({
    title: t('Delete this check-in?'),
    text: t(
      "The check-in from {when} will be removed from your diary and your care team's view. This cannot be undone.",
      { when },
    ),
    choices: [
      { value: 'keep', label: t('Keep it') },
      { value: 'delete', label: t('Delete'), primary: true },
    ],
    confirm: 'delete',
  });
}
