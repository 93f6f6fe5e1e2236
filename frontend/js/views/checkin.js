// The daily check-in: one calm page, the seven GAD-7 items, then Save.
import { get, isTransient, ApiError, NetworkError, describeError } from '../api.js';
import { h, clear, uuid, focusQuietly, scrollIntoViewGently } from '../dom.js';
import { STEM, ITEMS, totalOf, severity, scoreSentence } from '../gad7.js';
import { localDate, formatDate, formatTime } from '../dates.js';
import { buildEntryForm } from '../entryform.js';
import { sendEntry } from '../sync.js';
import { pendingPanel } from '../pending.js';
import * as outbox from '../outbox.js';

export async function render(ctx) {
  const { user } = ctx;
  const today = localDate(new Date(), user.timezone);
  const status = h('div', { role: 'status', class: 'status', id: 'checkin-status' });
  const todayNote = h('p', { class: 'aside', hidden: true });
  const pending = pendingPanel(user);

  const form = h('form', { class: 'checkin', novalidate: true });
  form.append(h('p', { class: 'stem' }, STEM));
  const entryForm = buildEntryForm(form);
  const problem = h('p', { class: 'form-error', hidden: true });
  const save = h('button', { type: 'submit', class: 'primary wide big' }, 'Save check-in');
  form.append(problem, save, h('p', { class: 'hint center' }, 'There is no time limit. Take all the time you need.'));

  ctx.main.append(h('section', { class: 'page' },
    h('h1', {}, "Today's check-in"),
    h('p', { class: 'lead' }, `${formatDate(today, { weekday: true })}. A minute or two, once a day.`),
    todayNote,
    status,
    pending.element,
    form,
    h('p', { class: 'support' },
      'Your care team reads your diary, but not around the clock. If you need help now, call your clinic or your local emergency number.')));

  showToday();

  async function showToday() {
    if (navigator.onLine === false) return;
    try {
      const { items } = await get(`/api/v1/patients/me/entries?from=${today}&to=${today}`);
      if (!ctx.isCurrent() || !items.length) return;
      const last = items[items.length - 1];
      clear(todayNote);
      todayNote.append(`You checked in today at ${formatTime(last.recorded_at, user.timezone)} (score ${last.total}). `,
        'To change it, open ', h('a', { href: '#/history' }, "today's entry"), ', or check in again below.');
      todayNote.hidden = false;
    } catch {
      /* not essential */
    }
  }

  form.addEventListener('change', (e) => {
    const q = e.target.closest('fieldset.question');
    if (q) q.classList.remove('missing');
    if (!entryForm.read().answers.includes(null)) problem.hidden = true;
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const values = entryForm.read();
    const missing = values.answers.map((a, i) => (a === null ? i : -1)).filter((i) => i >= 0);
    entryForm.items.forEach((fs, i) => {
      fs.classList.toggle('missing', missing.includes(i));
    });
    if (missing.length) {
      problem.textContent = missing.length === 1
        ? `One question still needs an answer: "${ITEMS[missing[0]]}".`
        : `${missing.length} questions still need an answer. The first is "${ITEMS[missing[0]]}".`;
      problem.hidden = false;
      entryForm.items[missing[0]].querySelector('input').focus();
      return;
    }
    problem.hidden = true;
    const payload = {
      id: uuid(),
      recorded_at: new Date().toISOString(),
      answers: values.answers,
      difficulty: values.difficulty,
      side_effects: values.side_effects,
    };
    if (values.note) payload.note = values.note;
    save.disabled = true;
    status.textContent = 'Saving…';
    try {
      let message;
      try {
        if (navigator.onLine === false) throw new NetworkError();
        const entry = await sendEntry(payload);
        message = savedMessage(`Saved. ${scoreSentence(entry.total, entry.severity)}`);
      } catch (err) {
        if (!(isTransient(err) || (err instanceof ApiError && err.status === 401))) throw err;
        if (!outbox.isSupported()) throw err;
        await outbox.add(user.id, payload);
        const total = totalOf(payload.answers);
        message = savedMessage(
          `Saved on this device. It will be sent when online. ${scoreSentence(total, severity(total))}`,
        );
      }
      clear(status).append(...message);
      entryForm.reset();
      showToday();
      scrollIntoViewGently(ctx.main);
      focusQuietly(status);
    } catch (err) {
      status.textContent = '';
      problem.textContent = err instanceof ApiError && err.status === 422
        ? `This check-in could not be saved: ${Object.values(err.fields).flat().join(' ') || err.message}`
        : describeError(err);
      problem.hidden = false;
    } finally {
      save.disabled = false;
    }
  });

  function savedMessage(text) {
    return [h('p', { class: 'status-main' }, text),
      h('p', {}, 'Thank you. ', h('a', { href: '#/history' }, 'Your scores over time'), '.')];
  }

  return () => pending.dispose();
}
