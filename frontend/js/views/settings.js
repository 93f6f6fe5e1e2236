// Settings: language, reminders, time zone, push notifications, and the patient's own data.
// render() keeps the one state object and draws the page; the form, the push panel and
// the access log are functions of (state, actions) below.
import { get, patch, session, setUser, describeError, NetworkError } from '../api.js';
import { h, clear, checkbox, focusQuietly } from '../dom.js';
import { reminderFields } from '../reminderfields.js';
import { zonePicker } from '../zonepicker.js';
import { pushPanel } from '../pushpanel.js';
import { pausePanel, closePanel } from './patientstatus.js';
import { t, currentLanguage, useLanguage } from '../i18n.js';
import { formatClock } from '../dates.js';

export async function render(ctx) {
  const state = {
    user: ctx.user,
    slots: {
      status: h('div', { role: 'status', class: 'status' }),
      form: h('div', {}),
      pause: h('div', {}),
      push: h('div', { 'aria-live': 'polite' }),
      log: h('div', {}),
      password: h('div', {}),
    },
  };
  const { status } = state.slots;
  const actions = {
    say: (text) => {
      status.textContent = text;
    },
    focusStatus: () => focusQuietly(status),
    closed: () => {
      location.hash = '#/login';
    },
  };
  actions.changeLanguage = (language) => changeLanguage(ctx, language, actions);
  ctx.main.append(settingsPage(state, actions));

  pushPanel(state.slots.push, state.user, actions.say);
  passwordPart(state.slots.password, actions.say);
  state.slots.log.append(
    h('p', {}, t('Every time someone reads or changes your diary, it is logged.')),
    logButton(state),
  );

  let settings;
  try {
    settings = await get('/api/v1/me/settings');
  } catch (err) {
    if (ctx.isCurrent()) state.slots.form.append(offlineNotice(err));
    return;
  }
  if (!ctx.isCurrent()) return;
  clear(state.slots.form).append(settingsForm(settings, actions));
  state.slots.pause.append(pausePanel(settings, actions));
}

function settingsPage({ user, slots }, actions) {
  return h(
    'section',
    { class: 'page' },
    h('h1', {}, t('Settings')),
    slots.status,
    part('language-title', t('Language'), languageChoice(user, actions)),
    part('reminders-title', t('Reminders'), slots.form),
    part('pause-title', t('Pause reminders'), slots.pause),
    part('push-title', t('Notifications on this device'), slots.push),
    part('data-title', t('Your data'), dataLinks()),
    part('log-title', t('Who has looked at your diary'), slots.log),
    part(
      'account-title',
      t('Account'),
      h(
        'p',
        {},
        user.email
          ? t('Logged in as {name} ({email}).', { name: user.name, email: user.email })
          : t('Logged in as {name}.', { name: user.name }),
      ),
    ),
    part('password-title', t('Password'), slots.password),
    part('close-title', t('Close my account'), closePanel(user, actions)),
  );
}

// Loaded when Settings opens: a password change needs a connection anyway, and the first load stays small.
async function passwordPart(slot, say) {
  try {
    const { changePasswordForm } = await import('./password.js');
    slot.append(changePasswordForm(say));
  } catch {
    slot.append(h('p', { class: 'notice' }, t('You can change your password when you are back online.')));
  }
}

function part(titleId, title, content) {
  return h('section', { 'aria-labelledby': titleId }, h('h2', { id: titleId }, title), content);
}

const downloads = () => [
  ['/api/v1/patients/me/export.csv?kind=entries', '', t('Download your check-ins (CSV)')],
  ['/api/v1/patients/me/export.csv?kind=treatments', '', t('Download your treatment log (CSV)')],
  ['/api/v1/patients/me/fhir', 'afterglow-fhir.json', t('Download your record for other health apps (FHIR)')],
  [
    '/api/v1/patients/me/sessions.ics',
    'afterglow-sessions.ics',
    t('Add your planned treatments to a calendar (.ics)'),
  ],
];

function dataLinks() {
  return h(
    'ul',
    { class: 'link-list' },
    downloads().map(([href, download, text]) => h('li', {}, h('a', { href, download }, text))),
  );
}

// Each language named in itself, so a person who cannot read the page can still find theirs.
const LANGUAGE_NAMES = [
  ['en', 'English'],
  ['es', 'Español'],
];

/** Two buttons, the language shown pressed; pressing the other switches the whole app at once. */
function languageChoice(user, actions) {
  const shown = user.language || currentLanguage();
  const buttons = LANGUAGE_NAMES.map(([code, name]) =>
    h(
      'button',
      { type: 'button', class: 'segment', lang: code, value: code, 'aria-pressed': String(code === shown) },
      name,
    ),
  );
  const group = h('div', { class: 'segmented', role: 'group', 'aria-label': t('Language') }, buttons);
  group.addEventListener('click', (e) => {
    const button = e.target.closest('button');
    if (!button || button.getAttribute('aria-pressed') === 'true' || button.disabled) return;
    for (const b of buttons) b.disabled = true;
    actions.changeLanguage(button.value).finally(() => {
      for (const b of buttons) b.disabled = false;
    });
  });
  return group;
}

// Saved on the server (emails and pushes follow it too), then the screen drawn again in it.
async function changeLanguage(ctx, language, actions) {
  try {
    const saved = await patch('/api/v1/me/settings', { language });
    setUser({ ...session.user, language: saved.language });
    await useLanguage(saved.language);
    if (ctx.isCurrent()) ctx.go(location.hash);
  } catch (err) {
    actions.say(describeError(err));
    actions.focusStatus();
  }
}

function offlineNotice(err) {
  return h(
    'p',
    { class: 'notice' },
    err instanceof NetworkError
      ? t('You are offline. Settings can be changed when you are back online.')
      : describeError(err),
  );
}

function settingsForm(s, actions) {
  const parts = {
    reminder: reminderFields(s, t('In your time zone, below.')),
    email: checkbox({
      label: t('Email reminders'),
      name: 'email_reminders',
      checked: s.email_reminders,
      description: [
        ' ', // the label and its description read as two sentences
        t(
          'Send the reminder by email when notifications are not set up on any of your devices. With notifications on, no email is sent.',
        ),
      ].join(''),
    }),
    mailNotice: h(
      'p',
      { class: 'notice', hidden: !s.email_reminders_failing },
      t(
        'Email reminders are not reaching you: your email provider refused them. Please let your care team know, so they can check your address.',
      ),
    ),
    tz: zonePicker({ value: s.timezone }),
    save: h('button', { type: 'submit', class: 'primary' }, t('Save settings')),
    problem: h('p', { class: 'form-error', hidden: true }),
  };
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    parts.reminder.enabled,
    parts.reminder.time.wrap,
    parts.email,
    parts.mailNotice,
    parts.tz.wrap,
    parts.problem,
    parts.save,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    saveSettings(form, parts, actions);
  });
  return form;
}

async function saveSettings(form, { reminder, mailNotice, tz, save, problem }, actions) {
  problem.hidden = true;
  const reminders = reminder.read();
  if (!reminders) return;
  const timezone = tz.read();
  if (!timezone) return;
  const body = { ...reminders, email_reminders: form.elements.email_reminders.checked, timezone };
  save.disabled = true;
  try {
    const saved = await patch('/api/v1/me/settings', body);
    mailNotice.hidden = !saved.email_reminders_failing;
    if (saved.timezone !== session.user.timezone) setUser({ ...session.user, timezone: saved.timezone });
    actions.say(
      saved.reminders_enabled
        ? t('Saved. We will remind you at {time} ({zone}).', {
            time: formatClock(saved.reminder_time),
            zone: saved.timezone.replaceAll('_', ' '),
          })
        : t('Saved. Daily reminders are off.'),
    );
    actions.focusStatus();
  } catch (err) {
    if (err.fields?.timezone) {
      tz.setError(err.fields.timezone.join(' '));
    } else {
      problem.textContent = err.fields?.reminder_time
        ? err.fields.reminder_time.join(' ')
        : describeError(err);
      problem.hidden = false;
    }
  } finally {
    save.disabled = false;
  }
}

function logButton(state) {
  const show = h('button', { type: 'button', class: 'secondary' }, t('Show the access log'));
  show.addEventListener('click', async () => {
    show.disabled = true;
    try {
      // Loaded when asked for: most visits to Settings never open the log.
      const { showAccessLog } = await import('./accesslog.js');
      await showAccessLog(state.slots.log, state.user);
    } catch (err) {
      show.disabled = false;
      clear(state.slots.log).append(h('p', { class: 'notice' }, describeError(err)), show);
    }
  });
  return show;
}
