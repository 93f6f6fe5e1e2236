// The check-in form: a new check-in (kept as an encrypted draft while it is filled in) or
// today's, changed.
import { ApiError, describeError } from '../../api.js';
import { h, append } from '../../dom.js';
import { scoreSentence } from '../../gad7.js';
import { buildEntryForm } from '../../entryform.js';
import * as outbox from '../../outbox.js';
import { t, tn, formatNumber } from '../../i18n.js';
import { textsFor, saveNew, saveEdit } from './entries.js';

/** editing: today's check-in ({entry, queued}) to change, or null for a new one. */
export async function showForm(state, actions, editing) {
  state.dispose?.();
  const texts = editing ? await textsFor(state, editing.entry.instrument || state.due.instrument) : state.due;
  if (!actions.isCurrent()) return;
  const { values, restored } = editing
    ? { values: editing.entry, restored: false }
    : await restoreDraft(state, texts);
  if (!actions.isCurrent()) return;
  actions.say(''); // the last "Saved…" belongs to the check-in before this edit
  const parts = buildForm(texts, values, { restored, editing });
  parts.cancel?.addEventListener('click', () => actions.showDone(editing));
  actions.show(parts.form);
  parts.showProgress();
  const drafts = draftKeeper(state, texts, parts.entryForm, editing);
  watchEdits(parts, drafts);
  window.addEventListener('pagehide', drafts.flush);
  state.dispose = () => {
    window.removeEventListener('pagehide', drafts.flush);
    drafts.flush();
  };
  parts.form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit(state, actions, { parts, drafts, texts, editing });
  });
}

/** The draft of today's form, if one was left: {values, restored}. Another day's is dropped. */
async function restoreDraft(state, texts) {
  const draft = await outbox.loadDraft(state.user.id).catch(() => null);
  if (draft && draft.date === state.today && draft.instrument === texts.instrument) {
    return { values: draft, restored: true };
  }
  if (draft) await outbox.clearDraft(state.user.id).catch(() => {});
  return { values: null, restored: false };
}

function buildForm(texts, values, { restored, editing }) {
  const form = h('form', { class: 'checkin', novalidate: true });
  append(form, [
    texts.instrument === 'gad7'
      ? h(
          'p',
          { class: 'instrument-note' },
          t('Every two weeks: the standard questionnaire, about the last two weeks.'),
        )
      : null,
    restored ? h('p', { class: 'notice' }, t('Your unfinished check-in is here as you left it.')) : null,
    h('p', { class: 'stem' }, texts.stem),
  ]);
  const entryForm = buildEntryForm(form, texts, values);
  const problem = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const progress = h('p', { class: 'progress' });
  const save = h(
    'button',
    { type: 'submit', class: 'primary big' },
    editing ? t('Save changes') : t('Save check-in'),
  );
  const cancel = editing ? h('button', { type: 'button', class: 'secondary' }, t('Cancel')) : null;
  append(form, [
    problem,
    h('div', { class: 'save-bar' }, progress, save),
    cancel ? h('div', { class: 'actions' }, cancel) : null,
    h('p', { class: 'hint center' }, t('There is no time limit. Take all the time you need.')),
  ]);
  const showProgress = () => {
    progress.textContent = t('{answered} of {total} answered', {
      answered: formatNumber(entryForm.answered()),
      total: formatNumber(texts.items.length),
    });
  };
  return { form, entryForm, problem, save, cancel, showProgress };
}

/** A new check-in's draft is written a moment after each change, and when the page is left. */
function draftKeeper(state, texts, entryForm, editing) {
  let timer = null;
  let saving = Promise.resolve();
  const keep = () => {
    clearTimeout(timer);
    timer = null;
    if (editing) return;
    saving = outbox
      .saveDraft(state.user.id, { date: state.today, instrument: texts.instrument, ...entryForm.read() })
      .catch(() => {});
  };
  return {
    later() {
      if (editing) return;
      clearTimeout(timer);
      timer = setTimeout(keep, 250);
    },
    flush() {
      if (timer) keep();
    },
    stop() {
      clearTimeout(timer);
      timer = null;
    },
    saved: () => saving,
  };
}

function watchEdits({ form, entryForm, problem, showProgress }, drafts) {
  const onEdit = () => {
    showProgress();
    drafts.later();
  };
  form.addEventListener('change', (e) => {
    const q = e.target.closest('fieldset.question');
    if (q) q.classList.remove('missing');
    if (!entryForm.read().answers.includes(null)) problem.hidden = true;
    onEdit();
  });
  form.addEventListener('input', onEdit);
}

/** Marks the questions still unanswered and says which; true when all are answered. The safety
 * question is asked, never required: a check-in without its answer is still saved. */
function allAnswered({ entryForm, problem }, texts, read) {
  const missing = read.answers.map((a, i) => (a === null ? i : -1)).filter((i) => i >= 0);
  entryForm.items.forEach((fs, i) => {
    fs.classList.toggle('missing', missing.includes(i));
  });
  if (!missing.length) return true;
  problem.textContent = tn(
    'One question still needs an answer: "{question}".',
    '{n} questions still need an answer. The first is "{question}".',
    missing.length,
    { question: texts.items[missing[0]] },
  );
  problem.hidden = false;
  entryForm.items[missing[0]].querySelector('input').focus();
  return false;
}

async function submit(state, actions, { parts, drafts, texts, editing }) {
  parts.entryForm.stopAdvancing();
  const read = parts.entryForm.read();
  if (!allAnswered(parts, texts, read)) return;
  parts.problem.hidden = true;
  drafts.stop();
  parts.save.disabled = true;
  actions.say(t('Saving…'));
  try {
    const result = editing ? await saveEdit(state, editing, read) : await saveNew(state, texts, read);
    await drafts.saved(); // a draft written a moment ago must not outlive the check-in
    await outbox.clearDraft(state.user.id).catch(() => {});
    if (!actions.isCurrent()) return;
    await actions.showDone(result);
    const sentence = scoreSentence(texts, result.entry.total);
    actions.say(
      result.queued
        ? t('Saved on this device. It will be sent when online. {score}', { score: sentence })
        : t('Saved. {score}', { score: sentence }),
    );
    // A new page replaced the form: start it at the top, where the result is (or crisis help).
    window.scrollTo(0, 0);
    if (result.entry.safety > 0) actions.focusCrisis();
    else actions.focusStatus();
  } catch (err) {
    actions.say('');
    parts.problem.textContent =
      err instanceof ApiError && err.status === 422
        ? t('This check-in could not be saved: {reason}', {
            reason: Object.values(err.fields).flat().join(' ') || err.message,
          })
        : describeError(err);
    parts.problem.hidden = false;
  } finally {
    parts.save.disabled = false;
  }
}
