// The first run after registration: the reminder time (in the patient's zone), notifications
// with the reason for them, and the Home Screen step where the browser needs it (iOS).
import { get, patch, session, setUser, describeError } from '../api.js';
import { h, focusQuietly } from '../dom.js';
import { reminderFields } from '../reminderfields.js';
import { zonePicker } from '../zonepicker.js';
import { pushPanel } from '../pushpanel.js';
import { t } from '../i18n.js';

export async function render(ctx) {
  const status = h('div', { role: 'status', class: 'status' });
  const pushSlot = h('div', { 'aria-live': 'polite' });
  const settings = await get('/api/v1/me/settings');
  if (!ctx.isCurrent()) return;

  const reminder = reminderFields(
    settings,
    t(
      'In your time zone, below. Choose a time when you are usually at home and calm; most people pick the evening.',
    ),
  );
  const tz = zonePicker({ value: settings.timezone });
  const problem = h('p', { class: 'form-error', hidden: true });
  const save = h(
    'button',
    { type: 'submit', class: 'primary wide big' },
    t('Save and go to my first check-in'),
  );
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h(
      'section',
      { 'aria-labelledby': 'welcome-reminder', class: 'stack' },
      h('h2', { id: 'welcome-reminder' }, t('1. Your daily reminder')),
      reminder.enabled,
      reminder.time.wrap,
      tz.wrap,
    ),
    h(
      'section',
      { 'aria-labelledby': 'welcome-push' },
      h('h2', { id: 'welcome-push' }, t('2. Notifications on this device')),
      pushSlot,
    ),
    problem,
    save,
    h(
      'p',
      { class: 'center' },
      h('a', { href: '#/checkin' }, t('Skip for now')),
      ' ',
      t('(you can change all of this in Settings).'),
    ),
  );

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    problem.hidden = true;
    const reminders = reminder.read();
    if (!reminders) return;
    const timezone = tz.read();
    if (!timezone) return;
    save.disabled = true;
    try {
      const saved = await patch('/api/v1/me/settings', { ...reminders, timezone });
      if (saved.timezone !== session.user.timezone) setUser({ ...session.user, timezone: saved.timezone });
      ctx.go('#/checkin');
    } catch (err) {
      problem.textContent = describeError(err);
      problem.hidden = false;
      save.disabled = false;
    }
  });

  ctx.main.append(
    h(
      'section',
      { class: 'page' },
      h('h1', {}, t('Welcome, {name}', { name: ctx.user.name })),
      h(
        'p',
        { class: 'lead' },
        t('Two quick things to set up, then your first check-in. It takes a minute.'),
      ),
      status,
      form,
    ),
  );
  pushPanel(pushSlot, ctx.user, (text) => {
    status.textContent = text;
    focusQuietly(status);
  });
}
