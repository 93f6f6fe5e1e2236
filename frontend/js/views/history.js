// History: a chart of daily scores over 30 or 90 days, and the check-ins: each can be
// deleted (after a confirmation), and changed within the backfill window.
import { get, patch, del, NetworkError, describeError } from '../api.js';
import { h, clear, append, focusQuietly, uid, confirmDialog, rangePicker } from '../dom.js';
import { loadForm, loadDueForm, bandOf, scoreSentence, sideEffectLabels, answerList } from '../gad7.js';
import { localDate, addDays, formatDate, formatTime } from '../dates.js';
import { buildEntryForm } from '../entryform.js';
import { chartFigure, summarise } from '../chartfigure.js';
import { pendingPanel } from '../pending.js';

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
  let chart = null;
  let editing = null;
  const [daily, standard, due] = await Promise.all([
    loadForm('daily'),
    loadForm('gad7'),
    loadDueForm(today).catch(() => null),
  ]);
  const textsOf = (entry) => (entry.instrument === 'gad7' ? standard : daily);
  const SIDE_EFFECT_LABEL = sideEffectLabels(daily);
  const backfillDays = due?.backfill_days ?? 7;

  const status = h('div', { role: 'status', class: 'status' });
  const pending = pendingPanel(user);
  const ranges = rangePicker({ days: RANGES, key: 'history-range', fallback: 30, onChange: () => load() });
  const rangeBar = ranges.element;
  const chartSlot = h('div', { class: 'chart-slot' });
  const listSlot = h('div', { class: 'entries' });

  ctx.main.append(
    h(
      'section',
      { class: 'page' },
      h('h1', {}, 'History'),
      h(
        'p',
        { class: 'lead' },
        `Your daily scores, lower is calmer. ${daily.guide} Check-ins from the last ${backfillDays} days can still be changed.`,
      ),
      status,
      pending.element,
      rangeBar,
      chartSlot,
      h('h2', {}, 'Check-ins'),
      listSlot,
    ),
  );

  await load();

  async function load() {
    const from = addDays(today, -(ranges.value() - 1));
    let entries;
    let treatments;
    try {
      [{ items: entries }, { items: treatments }] = await Promise.all([
        get(`/api/v1/patients/me/entries?from=${from}&to=${today}`),
        get('/api/v1/patients/me/treatments'),
      ]);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      chart?.dispose();
      chart = null;
      clear(chartSlot).append(
        h(
          'p',
          { class: 'notice' },
          err instanceof NetworkError
            ? 'You are offline. Your history will appear here when you are back online.'
            : describeError(err),
        ),
      );
      clear(listSlot);
      return;
    }
    if (!ctx.isCurrent()) return;
    const days = dailyScores(entries);
    const standardDays = entries
      .filter((e) => e.instrument === 'gad7')
      .map((e) => ({ date: e.local_date, score: e.total }));
    chart?.dispose();
    const sessions = treatments.map((t) => ({ date: t.local_date, planned: t.status === 'planned' }));
    const inRange = sessions.filter((s) => s.date >= from && s.date <= today);
    const hasDone = inRange.some((s) => !s.planned);
    const hasPlanned = inRange.some((s) => s.planned);
    chart = chartFigure({
      title: `Your daily scores, last ${ranges.value()} days`,
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
      extraRows: standardDays.map((d) => ({ ...d, label: 'two-week check' })),
      key: [
        ['score', 'Your score for the day (0 to 21)'],
        standardDays.length ? ['standard', 'Your two-week check (standard GAD-7)'] : null,
        hasDone ? ['session', 'A treatment session'] : null,
        hasPlanned ? ['planned', 'A planned session'] : null,
        ['bands', 'Shaded: minimal, mild, moderate, severe'],
      ].filter(Boolean),
    });
    clear(chartSlot).append(chart.element);
    renderList(entries);
  }

  function renderList(entries) {
    clear(listSlot);
    editing = null;
    if (!entries.length) {
      listSlot.append(
        h(
          'p',
          {},
          'No check-ins in this period yet. ',
          h('a', { href: '#/checkin' }, "Go to today's check-in"),
          '.',
        ),
      );
      return;
    }
    const list = h('ul', { class: 'entry-list' });
    for (const entry of entries.slice().reverse()) {
      list.append(h('li', {}, entryCard(entry)));
    }
    listSlot.append(list);
  }

  function entryCard(entry) {
    const headingId = uid('entry');
    const card = h('article', { class: 'card entry', 'aria-labelledby': headingId });
    const fill = () => {
      card.classList.remove('editing');
      clear(card);
      // append() skips the absent note and side effects (Element.append would print "null").
      const texts = textsOf(entry);
      append(card, [
        h(
          'h3',
          { id: headingId },
          `${formatDate(entry.local_date, { weekday: true })}, ${formatTime(entry.recorded_at, user.timezone)}` +
            (entry.instrument === 'gad7' ? ' (two-week check)' : ''),
        ),
        h(
          'p',
          { class: 'score-line' },
          h('strong', {}, `Score ${entry.total} out of ${texts.max_total}`),
          ` · ${bandOf(texts, entry.total).label}`,
        ),
        h(
          'details',
          {},
          h('summary', {}, 'Your answers'),
          h('p', { class: 'hint' }, texts.stem),
          answerList(texts, entry),
        ),
        entry.note ? h('p', { class: 'note' }, entry.note) : null,
        entry.side_effects?.length
          ? h('p', {}, `Side effects: ${entry.side_effects.map((s) => SIDE_EFFECT_LABEL[s] || s).join(', ')}`)
          : null,
      ]);
      const actions = h('div', { class: 'actions' });
      if (Date.now() - new Date(entry.recorded_at).getTime() < backfillDays * 86400000) {
        const change = h(
          'button',
          { type: 'button', class: 'secondary', 'aria-describedby': headingId },
          'Change this check-in',
        );
        change.addEventListener('click', () => edit());
        actions.append(change);
      }
      const remove = h(
        'button',
        { type: 'button', class: 'quiet', 'aria-describedby': headingId },
        'Delete this check-in',
      );
      remove.addEventListener('click', () => confirmDelete(entry, remove));
      actions.append(remove);
      card.append(actions);
    };
    const edit = () => {
      if (editing) editing();
      clear(card);
      card.classList.add('editing');
      const form = h('form', { class: 'checkin', novalidate: true });
      const entryForm = buildEntryForm(form, textsOf(entry), entry);
      const problem = h('p', { class: 'form-error', role: 'alert', hidden: true });
      const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
      form.append(
        problem,
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'submit', class: 'primary' }, 'Save changes'),
          cancel,
        ),
      );
      const title = h(
        'h3',
        { id: headingId },
        `Change your check-in from ${formatTime(entry.recorded_at, user.timezone)}`,
      );
      card.append(title, form);
      focusQuietly(title);
      editing = () => {
        fill();
        editing = null;
      };
      cancel.addEventListener('click', () => {
        fill();
        editing = null;
        card.querySelector('button')?.focus();
      });
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const values = entryForm.read();
        if (values.answers.includes(null)) {
          problem.textContent = 'Please answer all seven questions.';
          problem.hidden = false;
          return;
        }
        const body = {
          answers: values.answers,
          difficulty: values.difficulty,
          note: values.note,
          side_effects: values.side_effects,
        };
        try {
          const saved = await patch(`/api/v1/entries/${entry.id}`, body);
          Object.assign(entry, saved);
          fill();
          editing = null;
          status.textContent = `Your changes are saved. ${scoreSentence(textsOf(saved), saved.total)}`;
          focusQuietly(status);
          load();
        } catch (err) {
          problem.textContent = describeError(err);
          problem.hidden = false;
        }
      });
    };
    fill();
    return card;
  }

  async function confirmDelete(entry, button) {
    const when = `${formatDate(entry.local_date, { weekday: true })}, ${formatTime(entry.recorded_at, user.timezone)}`;
    if (!(await askToDelete(when))) {
      button.focus();
      return;
    }
    try {
      await del(`/api/v1/entries/${entry.id}`);
      status.textContent = `The check-in from ${when} is deleted.`;
      focusQuietly(status);
      await load();
    } catch (err) {
      status.textContent = describeError(err);
      focusQuietly(status);
    }
  }

  return () => {
    chart?.dispose();
    pending.dispose();
  };
}

function askToDelete(when) {
  return confirmDialog({
    title: 'Delete this check-in?',
    text: `The check-in from ${when} will be removed from your diary and your care team's view. This cannot be undone.`,
    choices: [
      { value: 'keep', label: 'Keep it' },
      { value: 'delete', label: 'Delete', primary: true },
    ],
    confirm: 'delete',
  });
}
