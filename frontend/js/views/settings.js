// Settings: reminders, time zone, push notifications, and the patient's own data.
import { get, patch, session, setUser, describeError, NetworkError } from '../api.js';
import { h, clear, checkbox, focusQuietly } from '../dom.js';
import { reminderFields } from '../reminderfields.js';
import { formatDateTime } from '../dates.js';
import { zonePicker } from '../zonepicker.js';
import { pushPanel } from '../pushpanel.js';

export async function render(ctx) {
  const { user } = ctx;
  const status = h('div', { role: 'status', class: 'status' });
  const formSlot = h('div', {});
  const pushSlot = h('div', { 'aria-live': 'polite' });
  const logSlot = h('div', {});

  ctx.main.append(
    h(
      'section',
      { class: 'page' },
      h('h1', {}, 'Settings'),
      status,
      h(
        'section',
        { 'aria-labelledby': 'reminders-title' },
        h('h2', { id: 'reminders-title' }, 'Reminders'),
        formSlot,
      ),
      h(
        'section',
        { 'aria-labelledby': 'push-title' },
        h('h2', { id: 'push-title' }, 'Notifications on this device'),
        pushSlot,
      ),
      h(
        'section',
        { 'aria-labelledby': 'data-title' },
        h('h2', { id: 'data-title' }, 'Your data'),
        h(
          'ul',
          { class: 'link-list' },
          h(
            'li',
            {},
            h(
              'a',
              { href: '/api/v1/patients/me/export.csv?kind=entries', download: '' },
              'Download your check-ins (CSV)',
            ),
          ),
          h(
            'li',
            {},
            h(
              'a',
              { href: '/api/v1/patients/me/export.csv?kind=treatments', download: '' },
              'Download your treatment log (CSV)',
            ),
          ),
          h(
            'li',
            {},
            h(
              'a',
              { href: '/api/v1/patients/me/fhir', download: 'afterglow-fhir.json' },
              'Download your record for other health apps (FHIR)',
            ),
          ),
          h(
            'li',
            {},
            h(
              'a',
              { href: '/api/v1/patients/me/sessions.ics', download: 'afterglow-sessions.ics' },
              'Add your planned treatments to a calendar (.ics)',
            ),
          ),
        ),
      ),
      h(
        'section',
        { 'aria-labelledby': 'log-title' },
        h('h2', { id: 'log-title' }, 'Who has looked at your diary'),
        logSlot,
      ),
      h(
        'section',
        { 'aria-labelledby': 'account-title' },
        h('h2', { id: 'account-title' }, 'Account'),
        h('p', {}, `Logged in as ${user.name}${user.email ? ` (${user.email})` : ''}.`),
      ),
    ),
  );

  renderPush();
  renderLogButton();

  let settings;
  try {
    settings = await get('/api/v1/me/settings');
  } catch (err) {
    if (!ctx.isCurrent()) return;
    formSlot.append(
      h(
        'p',
        { class: 'notice' },
        err instanceof NetworkError
          ? 'You are offline. Settings can be changed when you are back online.'
          : describeError(err),
      ),
    );
    return;
  }
  if (!ctx.isCurrent()) return;
  renderForm(settings);

  function renderForm(s) {
    const reminder = reminderFields(s, 'In your time zone, below.');
    const email = checkbox({
      label: 'Email reminders',
      name: 'email_reminders',
      checked: s.email_reminders,
      description:
        ' Send the reminder by email when notifications are not set up on any of your devices. With notifications on, no email is sent.',
    });
    const mailNotice = h(
      'p',
      { class: 'notice', hidden: !s.email_reminders_failing },
      'Email reminders are not reaching you: your email provider refused them. Please let your care team know, so they can check your address.',
    );
    const tz = zonePicker({ value: s.timezone });
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save settings');
    const problem = h('p', { class: 'form-error', hidden: true });
    const form = h(
      'form',
      { class: 'stack', novalidate: true },
      reminder.enabled,
      reminder.time.wrap,
      email,
      mailNotice,
      tz.wrap,
      problem,
      save,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
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
        status.textContent = saved.reminders_enabled
          ? `Saved. We will remind you at ${saved.reminder_time} (${saved.timezone.replaceAll('_', ' ')}).`
          : 'Saved. Daily reminders are off.';
        focusQuietly(status);
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
    });
    clear(formSlot).append(form);
  }

  function renderPush() {
    pushPanel(pushSlot, user, (text) => {
      status.textContent = text;
    });
  }

  function renderLogButton() {
    const show = h('button', { type: 'button', class: 'secondary' }, 'Show the access log');
    show.addEventListener('click', async () => {
      show.disabled = true;
      try {
        const { items } = await get('/api/v1/me/access-log');
        const verbs = {
          read: 'viewed',
          create: 'added',
          update: 'changed',
          delete: 'deleted',
          export: 'exported',
        };
        clear(logSlot).append(
          items.length
            ? h(
                'ul',
                { class: 'plain-list log' },
                items
                  .slice(0, 100)
                  .map((it) =>
                    h(
                      'li',
                      {},
                      `${formatDateTime(it.at, user.timezone)}: ${it.actor?.id === user.id ? 'You' : `${it.actor?.name || 'Someone'}${it.actor?.role === 'provider' ? ' (care team)' : ''}`} ` +
                        `${verbs[it.action] || it.action} ${friendlyResource(it.resource)}`,
                    ),
                  ),
              )
            : h('p', {}, 'Nobody has looked at your diary yet.'),
        );
      } catch (err) {
        show.disabled = false;
        clear(logSlot).append(h('p', { class: 'notice' }, describeError(err)), show);
      }
    });
    logSlot.append(h('p', {}, 'Every time someone reads or changes your diary, it is logged.'), show);
  }
}

// What the access log's resources are called on the patient's screen. Flags are the care
// team's tool (docs/api.md, "Relief monitoring"): the patient reads that the team reviewed their diary.
const RESOURCE_WORDS = [
  ['entries', 'your check-ins'],
  ['entry:', 'a check-in'],
  ['treatments', 'your sessions'],
  ['treatment:', 'a session'],
  ['timeline', 'your timeline'],
  ['export', 'your diary'],
  ['calendar-feed', 'a calendar link to your planned sessions'],
  ['worklist', 'your line on the patient list'],
  ['flag', "the care team's review of your diary"],
  ['intake_baseline', 'your intake score'],
  ['settings', 'your reminder settings'],
  ['push_subscription', 'notifications on a device'],
  ['password', 'your password'],
  ['mfa', 'two-step sign-in'],
  ['invite', 'your invitation'],
  ['account', 'your account'],
  ['audit_log', 'this access log'],
];

function friendlyResource(resource) {
  const r = String(resource || '');
  const found = RESOURCE_WORDS.find(([start]) => r.startsWith(start));
  return found ? found[1] : 'your diary';
}
