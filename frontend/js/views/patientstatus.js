// Settings' "Pause reminders" and "Close my account" (docs/api.md, "Patients who come and go").
// Each panel is a function of (settings, actions); settings.js places them.
import { patch, post, loadSession, describeError } from '../api.js';
import { h, field } from '../dom.js';
import { localDate, addDays, formatDate } from '../dates.js';
import * as outbox from '../outbox.js';
import { t, tn } from '../i18n.js';

const MAX_PAUSE_DAYS = 60;

/** A date field "Pause reminders until", and "Resume now" while paused. */
export function pausePanel(settings, actions) {
  const today = localDate(new Date(), settings.timezone);
  const until = field({
    label: t('Pause reminders until'),
    name: 'paused_until',
    type: 'date',
    min: addDays(today, 1),
    max: addDays(today, MAX_PAUSE_DAYS),
    hint: tn(
      'No reminders before this day, up to {n} day ahead. Your care team sees the pause.',
      'No reminders before this day, up to {n} days ahead. Your care team sees the pause.',
      MAX_PAUSE_DAYS,
    ),
  });
  const state = h('p', {});
  const pause = h('button', { type: 'submit', class: 'secondary' }, t('Pause reminders'));
  const resume = h('button', { type: 'button', class: 'secondary' }, t('Resume now'));
  const show = (pausedUntil) => {
    const paused = Boolean(pausedUntil && pausedUntil > today);
    state.textContent = paused
      ? t('Reminders are paused until {date}.', { date: formatDate(pausedUntil, { weekday: true }) })
      : t('Reminders are not paused.');
    resume.hidden = !paused;
  };
  const save = async (value) => {
    until.setError(null);
    try {
      const saved = await patch('/api/v1/me/settings', { paused_until: value });
      show(saved.paused_until);
      actions.say(saved.paused_until ? state.textContent : t('Reminders are back on.'));
    } catch (err) {
      until.setError(describeError(err));
    }
  };
  const form = h('form', { class: 'stack pause-form', novalidate: true }, state, until.wrap, pause, resume);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!until.input.value) until.setError(t('Choose the day reminders start again.'));
    else save(until.input.value);
  });
  resume.addEventListener('click', () => save(null));
  show(settings.paused_until);
  return form;
}

/** Password confirmation, then the account closes and the app goes back to the login screen. */
export function closePanel(user, actions) {
  const password = field({
    label: t('Password'),
    name: 'close_password',
    type: 'password',
    autocomplete: 'current-password',
  });
  const button = h('button', { type: 'submit', class: 'secondary' }, t('Close my account'));
  const form = h(
    'form',
    { class: 'stack close-account', novalidate: true },
    h(
      'p',
      {},
      t(
        'If you close your account, you are logged out on every device and cannot log in again. Your care team keeps your diary as part of your clinical record. You may want to download your data first (above).',
      ),
    ),
    password.wrap,
    button,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    password.setError(null);
    button.disabled = true;
    try {
      await post('/api/v1/me/close', { password: password.input.value });
      await outbox.wipe(user.id).catch(() => {});
      await loadSession().catch(() => {});
      actions.closed();
    } catch (err) {
      password.setError(err.status === 401 ? t('This is not your password.') : describeError(err));
      button.disabled = false;
    }
  });
  return form;
}
