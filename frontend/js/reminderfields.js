// The daily reminder's two fields (on or off, and the time in the patient's zone), shared by the
// first run (views/welcome.js) and Settings, with the one check the browser cannot do for us.
import { field, checkbox } from './dom.js';
import { t } from './i18n.js';

export function reminderFields(settings, hint) {
  const enabled = checkbox({
    label: t('Send me a daily reminder'),
    name: 'reminders_enabled',
    checked: settings.reminders_enabled,
  });
  const time = field({
    label: t('Reminder time'),
    name: 'reminder_time',
    type: 'time',
    value: settings.reminder_time,
    hint,
  });
  return {
    enabled,
    time,
    // The fields' values for PATCH /me/settings, or null (the time is marked and focused).
    read() {
      time.setError(null);
      if (!/^\d{2}:\d{2}$/.test(time.input.value)) {
        time.setError(t('Please choose a time, for example 20:00.'));
        time.input.focus();
        return null;
      }
      return {
        reminders_enabled: enabled.querySelector('input').checked,
        reminder_time: time.input.value.slice(0, 5),
      };
    },
  };
}
