// Today's check-in: the form due today (the daily one, or the standard GAD-7 every two
// weeks), kept as an encrypted draft while it is being filled in; once saved, a calm
// "done for today" page with the score in plain words, the last days, where to turn if
// things get worse, and "Edit today's check-in".
import { get, patch, isTransient, ApiError, NetworkError, describeError } from '../api.js';
import { h, clear, append, uuid, focusQuietly } from '../dom.js';
import { loadDueForm, loadForm, totalOf, bandOf, scoreSentence } from '../gad7.js';
import { localDate, addDays, formatDate, formatTime } from '../dates.js';
import { buildEntryForm } from '../entryform.js';
import { sendEntry } from '../sync.js';
import { pendingPanel } from '../pending.js';
import * as outbox from '../outbox.js';

const RECENT_DAYS = 7;

export async function render(ctx) {
  const { user } = ctx;
  const today = localDate(new Date(), user.timezone);
  const status = h('div', { role: 'status', class: 'status', id: 'checkin-status' });
  const pending = pendingPanel(user);
  const body = h('div', { class: 'checkin-body' });
  let disposeForm = null;

  ctx.main.append(
    h(
      'section',
      { class: 'page' },
      h('h1', {}, "Today's check-in"),
      h('p', { class: 'lead' }, formatDate(today, { weekday: true })),
      status,
      pending.element,
      body,
    ),
  );

  let due;
  try {
    due = await loadDueForm(today);
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    // Offline before this phone ever kept a copy of the questions (they come from the server).
    if (ctx.isCurrent())
      body.append(
        h(
          'p',
          { class: 'notice' },
          'The check-in questions need a connection the first time this phone opens them. ' +
            'Please open Afterglow once when you are online; after that it works offline too.',
        ),
      );
    return () => pending.dispose();
  }
  if (!ctx.isCurrent()) return () => pending.dispose();
  const done = await todaysCheckIn();
  if (!ctx.isCurrent()) return () => pending.dispose();
  if (done) await showDone(done);
  else await showForm(null);

  /** A check-in waiting in the outbox, shown as the server would give it back: {entry, queued}. */
  function waitingEntry(payload) {
    return { entry: { ...payload, local_date: today, total: totalOf(payload.answers) }, queued: true };
  }

  /** Today's latest check-in: from the server, or waiting in the outbox. {entry, queued} or null. */
  async function todaysCheckIn() {
    const queued = (await outbox.list(user.id).catch(() => [])).filter(
      ({ payload }) => localDate(new Date(payload.recorded_at), user.timezone) === today,
    );
    if (queued.length) {
      const { payload } = queued[queued.length - 1];
      return waitingEntry(payload);
    }
    if (navigator.onLine === false) return null;
    try {
      const { items } = await get(`/api/v1/patients/me/entries?from=${today}&to=${today}`);
      return items.length ? { entry: items[items.length - 1], queued: false } : null;
    } catch (err) {
      if (err instanceof NetworkError) return null;
      throw err;
    }
  }

  async function textsFor(instrument) {
    return instrument === due.instrument ? due : loadForm(instrument);
  }

  // ---- done for today ----------------------------------------------------------

  async function showDone({ entry, queued }) {
    disposeForm?.();
    disposeForm = null;
    const texts = await textsFor(entry.instrument || due.instrument);
    if (!ctx.isCurrent()) return;
    const band = bandOf(texts, entry.total);
    const recent = h('div', {});
    const edit = h('button', { type: 'button', class: 'secondary wide' }, "Edit today's check-in");
    edit.addEventListener('click', () => showForm({ entry, queued }));
    const clinic = due.support?.clinic;
    const waiting = queued
      ? h('p', {}, 'It is saved on this device and will be sent when you are online.')
      : null;
    if (queued) {
      // Once the outbox has sent it, the sentence is no longer true.
      const onChange = async () => {
        const items = await outbox.list(user.id).catch(() => null);
        if (items && !items.some((item) => item.id === entry.id)) {
          waiting.remove();
          window.removeEventListener('outbox-change', onChange);
        }
      };
      window.addEventListener('outbox-change', onChange);
      disposeForm = () => window.removeEventListener('outbox-change', onChange);
    }
    clear(body).append(
      h(
        'section',
        { class: 'card done', 'aria-labelledby': 'done-title' },
        h('h2', { id: 'done-title' }, 'Done for today'),
        h(
          'p',
          { class: 'done-score' },
          `You checked in at ${formatTime(entry.recorded_at, user.timezone)}. `,
          h('strong', {}, `Your score is ${entry.total} out of ${texts.max_total}`),
          `: ${band.label}.`,
        ),
        h('p', { class: 'hint' }, texts.guide),
        waiting,
        edit,
      ),
      h(
        'section',
        { 'aria-labelledby': 'recent-title' },
        h('h2', { id: 'recent-title' }, 'Your last days'),
        recent,
      ),
      h(
        'section',
        { class: 'support-box', 'aria-labelledby': 'worse-title' },
        h('h2', { id: 'worse-title' }, 'If you feel worse'),
        h(
          'p',
          {},
          clinic ? `Call your clinic: ${clinic}.` : 'Call your clinic and tell them how you feel.',
          ' Your care team reads your diary, but not around the clock.',
        ),
        h(
          'p',
          {},
          `If you are in crisis or thinking about harming yourself, call ${due.support?.crisis || 'your local emergency number'} now.`,
        ),
      ),
    );
    renderRecent(recent, entry);
  }

  async function renderRecent(slot, todays) {
    let entries;
    try {
      ({ items: entries } = await get(
        `/api/v1/patients/me/entries?from=${addDays(today, -(RECENT_DAYS - 1))}&to=${today}`,
      ));
    } catch {
      // Offline (or the server away): "no check-in" beside each day would be untrue, and worrying.
      if (ctx.isCurrent())
        clear(slot).append(
          h('p', { class: 'hint' }, 'Your last days will show here when you are back online.'),
        );
      return;
    }
    if (!ctx.isCurrent()) return;
    const byDay = new Map();
    for (const e of entries) byDay.set(e.local_date, e);
    byDay.set(today, todays);
    const rows = [];
    for (let i = 0; i < RECENT_DAYS; i += 1) {
      const day = addDays(today, -i);
      const e = byDay.get(day);
      rows.push(
        h(
          'li',
          { class: e ? 'recent-day' : 'recent-day none' },
          h('span', { class: 'recent-date' }, i === 0 ? 'Today' : formatDate(day, { weekday: true })),
          e
            ? h(
                'span',
                { class: 'recent-score' },
                `${e.total}`,
                h(
                  'span',
                  { class: 'recent-band' },
                  ` ${bandOf(due, e.total).label}${e.instrument === 'gad7' ? ' (two-week check)' : ''}`,
                ),
              )
            : h('span', { class: 'recent-none' }, 'no check-in'),
        ),
      );
    }
    clear(slot).append(
      h('ul', { class: 'recent-list' }, rows),
      h('p', {}, h('a', { href: '#/history' }, 'All your check-ins')),
    );
  }

  // ---- the form ------------------------------------------------------------------

  async function showForm(editing) {
    disposeForm?.();
    const texts = editing ? await textsFor(editing.entry.instrument || due.instrument) : due;
    if (!ctx.isCurrent()) return;
    let values = editing?.entry || null;
    let restored = false;
    if (!editing) {
      const draft = await outbox.loadDraft(user.id).catch(() => null);
      if (draft && draft.date === today && draft.instrument === texts.instrument) {
        values = draft;
        restored = true;
      } else if (draft) {
        await outbox.clearDraft(user.id).catch(() => {});
      }
    }
    if (!ctx.isCurrent()) return;

    const form = h('form', { class: 'checkin', novalidate: true });
    append(form, [
      texts.instrument === 'gad7'
        ? h(
            'p',
            { class: 'instrument-note' },
            'Every two weeks: the standard questionnaire, about the last two weeks.',
          )
        : null,
      restored ? h('p', { class: 'notice' }, 'Your unfinished check-in is here as you left it.') : null,
      h('p', { class: 'stem' }, texts.stem),
    ]);
    const entryForm = buildEntryForm(form, texts, values);
    const problem = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const progress = h('p', { class: 'progress' });
    const save = h(
      'button',
      { type: 'submit', class: 'primary big' },
      editing ? 'Save changes' : 'Save check-in',
    );
    const cancel = editing ? h('button', { type: 'button', class: 'secondary' }, 'Cancel') : null;
    cancel?.addEventListener('click', () => showDone(editing));
    append(form, [
      problem,
      h('div', { class: 'save-bar' }, progress, save),
      cancel ? h('div', { class: 'actions' }, cancel) : null,
      h('p', { class: 'hint center' }, 'There is no time limit. Take all the time you need.'),
    ]);
    clear(body).append(form);

    const showProgress = () => {
      progress.textContent = `${entryForm.answered()} of ${texts.items.length} answered`;
    };
    showProgress();

    let draftTimer = null;
    let draftSaving = Promise.resolve();
    const keepDraft = () => {
      clearTimeout(draftTimer);
      draftTimer = null;
      if (editing) return;
      draftSaving = outbox
        .saveDraft(user.id, { date: today, instrument: texts.instrument, ...entryForm.read() })
        .catch(() => {});
    };
    const onEdit = () => {
      showProgress();
      if (!editing) {
        clearTimeout(draftTimer);
        draftTimer = setTimeout(keepDraft, 250);
      }
    };
    form.addEventListener('change', (e) => {
      const q = e.target.closest('fieldset.question');
      if (q) q.classList.remove('missing');
      if (!entryForm.read().answers.includes(null)) problem.hidden = true;
      onEdit();
    });
    form.addEventListener('input', onEdit);
    const flushDraft = () => {
      if (draftTimer) keepDraft();
    };
    window.addEventListener('pagehide', flushDraft);
    disposeForm = () => {
      window.removeEventListener('pagehide', flushDraft);
      flushDraft();
    };

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      entryForm.stopAdvancing();
      const read = entryForm.read();
      const missing = read.answers.map((a, i) => (a === null ? i : -1)).filter((i) => i >= 0);
      entryForm.items.forEach((fs, i) => {
        fs.classList.toggle('missing', missing.includes(i));
      });
      if (missing.length) {
        problem.textContent =
          missing.length === 1
            ? `One question still needs an answer: "${texts.items[missing[0]]}".`
            : `${missing.length} questions still need an answer. The first is "${texts.items[missing[0]]}".`;
        problem.hidden = false;
        entryForm.items[missing[0]].querySelector('input').focus();
        return;
      }
      problem.hidden = true;
      clearTimeout(draftTimer);
      draftTimer = null;
      save.disabled = true;
      status.textContent = 'Saving…';
      try {
        const result = editing ? await saveEdit(editing, read) : await saveNew(texts, read);
        await draftSaving; // a draft written a moment ago must not outlive the check-in
        await outbox.clearDraft(user.id).catch(() => {});
        if (!ctx.isCurrent()) return;
        await showDone(result);
        const sentence = scoreSentence(texts, result.entry.total);
        status.textContent = result.queued
          ? `Saved on this device. It will be sent when online. ${sentence}`
          : `Saved. ${sentence}`;
        // A new page replaced the form: start it at the top, where the result is.
        window.scrollTo(0, 0);
        focusQuietly(status);
      } catch (err) {
        status.textContent = '';
        problem.textContent =
          err instanceof ApiError && err.status === 422
            ? `This check-in could not be saved: ${Object.values(err.fields).flat().join(' ') || err.message}`
            : describeError(err);
        problem.hidden = false;
      } finally {
        save.disabled = false;
      }
    });
  }

  async function saveNew(texts, read) {
    const payload = {
      id: uuid(),
      recorded_at: new Date().toISOString(),
      instrument: texts.instrument,
      answers: read.answers,
      difficulty: read.difficulty,
      side_effects: read.side_effects,
    };
    if (read.note) payload.note = read.note;
    try {
      if (navigator.onLine === false) throw new NetworkError();
      return { entry: await sendEntry(payload, user.id), queued: false };
    } catch (err) {
      return queue(payload, err);
    }
  }

  async function saveEdit({ entry, queued }, read) {
    const changes = {
      answers: read.answers,
      difficulty: read.difficulty,
      note: read.note || null,
      side_effects: read.side_effects,
    };
    if (queued) {
      // Not sent yet: the queued check-in itself changes (same client id). If it was
      // sent since this page showed it, the server has it under that id: change it there.
      const payload = { ...entry, ...changes };
      delete payload.local_date;
      delete payload.total;
      if (await outbox.update(user.id, payload)) {
        return waitingEntry(payload);
      }
    }
    return { entry: await patch(`/api/v1/entries/${entry.id}`, changes), queued: false };
  }

  /** Keeps a check-in the server could not take now; rethrows what waiting cannot fix. */
  async function queue(payload, err) {
    const expired = err instanceof ApiError && err.status === 401;
    if (!(isTransient(err) || expired) || !outbox.isSupported()) throw err;
    await outbox.add(user.id, payload);
    if (expired) window.dispatchEvent(new CustomEvent('checkin-kept'));
    return waitingEntry(payload);
  }

  return () => {
    disposeForm?.();
    pending.dispose();
  };
}
