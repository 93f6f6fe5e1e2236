// Settings: reminders, time zone, push notifications, and the patient's own data.
import { get, patch, session, setUser, describeError, NetworkError } from '../api.js';
import { h, clear, append, field, checkbox, selectField, focusQuietly } from '../dom.js';
import { deviceTimeZone, timeZones, formatDateTime } from '../dates.js';
import { pushSupported, permission, isIOS, isStandalone, enablePush, disablePush, currentPushSubscription } from '../push.js';

export async function render(ctx) {
  const { user } = ctx;
  const status = h('div', { role: 'status', class: 'status' });
  const formSlot = h('div', {});
  const pushSlot = h('div', { 'aria-live': 'polite' });
  const logSlot = h('div', {});

  ctx.main.append(h('section', { class: 'page' },
    h('h1', {}, 'Settings'),
    status,
    h('section', { 'aria-labelledby': 'reminders-title' }, h('h2', { id: 'reminders-title' }, 'Reminders'), formSlot),
    h('section', { 'aria-labelledby': 'push-title' }, h('h2', { id: 'push-title' }, 'Notifications on this device'), pushSlot),
    h('section', { 'aria-labelledby': 'data-title' },
      h('h2', { id: 'data-title' }, 'Your data'),
      h('ul', { class: 'link-list' },
        h('li', {}, h('a', { href: '/api/v1/patients/me/export.csv?kind=entries', download: '' }, 'Download your check-ins (CSV)')),
        h('li', {}, h('a', { href: '/api/v1/patients/me/export.csv?kind=treatments', download: '' }, 'Download your treatment log (CSV)')),
        h('li', {}, h('a', { href: '/api/v1/patients/me/fhir', download: 'afterglow-fhir.json' }, 'Download your record for other health apps (FHIR)')),
        h('li', {}, h('a', { href: '/api/v1/patients/me/sessions.ics', download: 'afterglow-sessions.ics' }, 'Add your planned treatments to a calendar (.ics)')))),
    h('section', { 'aria-labelledby': 'log-title' },
      h('h2', { id: 'log-title' }, 'Who has looked at your diary'),
      logSlot),
    h('section', { 'aria-labelledby': 'account-title' },
      h('h2', { id: 'account-title' }, 'Account'),
      h('p', {}, `Logged in as ${user.name}${user.email ? ` (${user.email})` : ''}.`))));

  renderPush();
  renderLogButton();

  let settings;
  try {
    settings = await get('/api/v1/me/settings');
  } catch (err) {
    if (!ctx.isCurrent()) return;
    formSlot.append(h('p', { class: 'notice' }, err instanceof NetworkError
      ? 'You are offline. Settings can be changed when you are back online.' : describeError(err)));
    return;
  }
  if (!ctx.isCurrent()) return;
  renderForm(settings);

  function renderForm(s) {
    const device = deviceTimeZone();
    const zones = timeZones();
    for (const z of [s.timezone, device]) if (z && !zones.includes(z)) zones.unshift(z);
    const enabled = checkbox({ label: 'Send me a daily reminder', name: 'reminders_enabled', checked: s.reminders_enabled });
    const time = field({ label: 'Reminder time', name: 'reminder_time', type: 'time', value: s.reminder_time, hint: 'In your time zone, below.' });
    const email = checkbox({ label: 'Email reminders', name: 'email_reminders', checked: s.email_reminders, description: ' Also send the reminder by email.' });
    const mailNotice = h('p', { class: 'notice', hidden: !s.email_reminders_failing },
      'Email reminders are not reaching you: your email provider refused them. Please let your care team know, so they can check your address.');
    const tz = selectField({
      label: 'Time zone', name: 'timezone', value: s.timezone, options: zones.map((z) => [z, z.replaceAll('_', ' ')]),
      hint: `This device is set to ${device.replaceAll('_', ' ')}.`,
    });
    const useDevice = h('button', { type: 'button', class: 'secondary', hidden: s.timezone === device }, 'Use this device\'s time zone');
    useDevice.addEventListener('click', () => {
      tz.select.value = device;
      useDevice.hidden = true;
    });
    tz.select.addEventListener('change', () => { useDevice.hidden = tz.select.value === device; });
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save settings');
    const problem = h('p', { class: 'form-error', hidden: true });
    const form = h('form', { class: 'stack', novalidate: true }, enabled, time.wrap, email, mailNotice, tz.wrap, useDevice, problem, save);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      problem.hidden = true;
      time.setError(null);
      if (!/^\d{2}:\d{2}$/.test(time.input.value)) {
        time.setError('Please choose a time, for example 20:00.');
        time.input.focus();
        return;
      }
      const body = {
        reminders_enabled: form.elements.reminders_enabled.checked,
        reminder_time: time.input.value.slice(0, 5),
        email_reminders: form.elements.email_reminders.checked,
        timezone: tz.select.value,
      };
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
        if (err.fields?.timezone) problem.textContent = err.fields.timezone.join(' ');
        else if (err.fields?.reminder_time) problem.textContent = err.fields.reminder_time.join(' ');
        else problem.textContent = describeError(err);
        problem.hidden = false;
      } finally {
        save.disabled = false;
      }
    });
    clear(formSlot).append(form);
  }

  async function renderPush() {
    clear(pushSlot);
    if (!pushSupported()) {
      if (isIOS() && !isStandalone()) {
        pushSlot.append(
          h('p', {}, 'On iPhone and iPad, notifications work once Afterglow is on your Home Screen:'),
          h('ol', {},
            h('li', {}, 'Tap the Share button in Safari (the square with an arrow).'),
            h('li', {}, 'Choose "Add to Home Screen", then "Add".'),
            h('li', {}, 'Open Afterglow from your Home Screen and come back to this page.')),
          h('p', { class: 'hint' }, 'Email reminders work either way.'));
      } else {
        pushSlot.append(h('p', {}, 'This browser cannot show notifications from Afterglow. Email reminders still work.'));
      }
      return;
    }
    const sub = await currentPushSubscription().catch(() => null);
    const perm = permission();
    if (perm === 'denied') {
      pushSlot.append(h('p', {}, 'Notifications are blocked for Afterglow in this browser. '
        + 'To turn them on, allow notifications for this site in your browser or phone settings, then come back here.'));
      return;
    }
    if (sub && perm === 'granted') {
      const off = h('button', { type: 'button', class: 'secondary' }, 'Turn off notifications');
      off.addEventListener('click', async () => {
        off.disabled = true;
        try {
          await disablePush();
          status.textContent = 'Notifications are off on this device.';
        } catch (err) {
          status.textContent = describeError(err);
        }
        renderPush();
      });
      pushSlot.append(h('p', {}, 'Notifications are on. Your reminder will appear on this device.'), off);
      return;
    }
    const on = h('button', { type: 'button', class: 'primary' }, 'Turn on notifications');
    on.addEventListener('click', async () => {
      on.disabled = true;
      try {
        const result = await enablePush();
        status.textContent = result === 'granted'
          ? 'Notifications are on. Your daily reminder will appear on this device.'
          : 'Notifications stay off. You can turn them on here any time.';
      } catch (err) {
        status.textContent = err instanceof DOMException
          ? 'This browser could not set up notifications. Email reminders still work.'
          : `Notifications could not be turned on. ${describeError(err)}`;
      }
      renderPush();
    });
    append(pushSlot, [
      h('p', {}, 'Get your daily reminder as a notification. It only says "Time for your daily check-in", never anything about your health.'),
      isIOS() && !isStandalone() ? h('p', { class: 'hint' }, 'On iPhone, add Afterglow to your Home Screen first (Share, then "Add to Home Screen").') : null,
      on]);
  }

  function renderLogButton() {
    const show = h('button', { type: 'button', class: 'secondary' }, 'Show the access log');
    show.addEventListener('click', async () => {
      show.disabled = true;
      try {
        const { items } = await get('/api/v1/me/access-log');
        const verbs = { read: 'viewed', create: 'added', update: 'changed', delete: 'deleted', export: 'exported' };
        clear(logSlot).append(items.length
          ? h('ul', { class: 'plain-list log' }, items.slice(0, 100).map((it) => h('li', {},
            `${formatDateTime(it.at, user.timezone)}: ${it.actor?.id === user.id ? 'You' : `${it.actor?.name || 'Someone'}${it.actor?.role === 'provider' ? ' (care team)' : ''}`} `
            + `${verbs[it.action] || it.action} ${friendlyResource(it.resource)}`)))
          : h('p', {}, 'Nobody has looked at your diary yet.'));
      } catch (err) {
        show.disabled = false;
        clear(logSlot).append(h('p', { class: 'notice' }, describeError(err)), show);
      }
    });
    logSlot.append(h('p', {}, 'Every time someone reads or changes your diary, it is logged.'), show);
  }
}

function friendlyResource(resource) {
  const r = String(resource || '');
  if (r.includes('entr')) return 'check-ins';
  if (r.includes('treat') || r.includes('session')) return 'sessions';
  if (r.includes('timeline')) return 'your timeline';
  if (r.includes('export') || r.includes('fhir') || r.includes('csv')) return 'an export';
  return r || 'your diary';
}
