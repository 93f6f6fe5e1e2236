// The check-in forms. Every text (items, answers, bands, side effects) comes from the
// API, whose one source is diary/gad7.py; this module only fetches the forms and keeps
// the last copy in localStorage so that a check-in can be filled in offline, one copy per
// language: a patient who switched to Spanish never answers offline on an English form.
import { get, NetworkError } from './api.js';
import { h } from './dom.js';
import { t, formatNumber, currentLanguage } from './i18n.js';

const CACHE = 'afterglow:form:';

function remember(key, value) {
  try {
    localStorage.setItem(`${CACHE}${currentLanguage()}:${key}`, JSON.stringify(value));
  } catch {
    /* private mode: the forms are fetched again next time */
  }
}

function recall(key) {
  try {
    return JSON.parse(localStorage.getItem(`${CACHE}${currentLanguage()}:${key}`) || 'null');
  } catch {
    return null;
  }
}

/** Forget the cached forms (at logout). */
export function forgetForms() {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(CACHE)) localStorage.removeItem(key);
  } catch {
    /* nothing stored */
  }
}

/** The texts of one instrument ('daily' or 'gad7'); the cached copy when offline. */
export async function loadForm(instrument) {
  try {
    const form = await get(`/api/v1/checkin-forms/${instrument}`);
    remember(instrument, form);
    return form;
  } catch (err) {
    const cached = recall(instrument);
    if (cached && err instanceof NetworkError) return cached;
    throw err;
  }
}

/**
 * The form due on local date `date` for the logged-in patient. Offline, the form cached
 * for that date, else the cached daily one (what most days are), else any cached form.
 */
export async function loadDueForm(date) {
  try {
    const form = await get(`/api/v1/me/checkin-form?date=${date}`);
    remember(form.instrument, form);
    remember('due', { date, form });
    return form;
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    const due = recall('due');
    const cached = (due?.date === date && due.form) || recall('daily') || recall('gad7') || due?.form;
    if (cached) return cached;
    throw err;
  }
}

/** A score band's code (minimal … severe), or a side effect's rating (mild … severe), in words. */
export function severityWord(code) {
  const words = { minimal: t('minimal'), mild: t('mild'), moderate: t('moderate'), severe: t('severe') };
  return words[code] || code;
}

export function totalOf(answers) {
  return answers.reduce((sum, a) => sum + a, 0);
}

export function bandOf(form, total) {
  return form.bands.find((b) => total >= b.from && total <= b.to) || form.bands[0];
}

/** "Your score is 8 out of 21, in the range of mild anxiety." */
export function scoreSentence(form, total) {
  return t('Your score is {total} out of {max}, in the range of {band}.', {
    total: formatNumber(total),
    max: formatNumber(form.max_total),
    band: bandOf(form, total).label,
  });
}

export function sideEffectLabels(form) {
  return Object.fromEntries(form.side_effects.map(({ code, label }) => [code, label]));
}

/**
 * An entry's answers as a description list, in its own form's words (daily: how much of the
 * time; standard: how often). The patient's history shows the words; the care team's day
 * details (``withValues``) add each answer's number and say when the difficulty was skipped.
 */
export function answerList(form, entry, { withValues = false } = {}) {
  const say = (text, value) => (withValues ? `${text ?? value} (${value})` : text);
  const difficulty =
    entry.difficulty != null
      ? say(form.difficulty.answers[entry.difficulty], entry.difficulty)
      : withValues
        ? t('not answered')
        : null;
  return h(
    'dl',
    { class: 'answers' },
    entry.answers.flatMap((a, i) => [h('dt', {}, form.items[i]), h('dd', {}, say(form.answers[a], a))]),
    difficulty ? [h('dt', {}, form.difficulty.question), h('dd', {}, difficulty)] : null,
  );
}
