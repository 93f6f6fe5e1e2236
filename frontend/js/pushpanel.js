// Notifications on this device: why, how to turn them on or off, and iOS's Home Screen step.
// Shared by the first-run setup and Settings. `user`: the patient; `say(text)` reports an outcome.
import { h, clear, append } from './dom.js';
import { describeError } from './api.js';
import { t } from './i18n.js';
import {
  pushSupported,
  permission,
  isIOS,
  isStandalone,
  enablePush,
  disablePush,
  currentPushSubscription,
  syncPush,
} from './push.js';

function reason() {
  const words = t('Time for your daily check-in'); // the notification's words, as the server sends them
  return t(
    'A notification is the quietest way to be reminded. It only says "{words}", never anything about your health. Without notifications, the reminder comes by email.',
    { words },
  );
}

export async function pushPanel(slot, user, say) {
  const again = () => pushPanel(slot, user, say);
  clear(slot);
  if (!pushSupported()) {
    if (isIOS() && !isStandalone()) {
      slot.append(
        h('p', {}, t('On iPhone and iPad, notifications work once Afterglow is on your Home Screen:')),
        h(
          'ol',
          {},
          h('li', {}, t('Tap the Share button in Safari (the square with an arrow).')),
          h('li', {}, t('Choose "Add to Home Screen", then "Add".')),
          h('li', {}, t('Open Afterglow from your Home Screen and turn on notifications in Settings.')),
        ),
        h('p', { class: 'hint' }, t('Email reminders work either way.')),
      );
    } else {
      slot.append(
        h('p', {}, t('This browser cannot show notifications from Afterglow. Email reminders still work.')),
      );
    }
    return;
  }
  const sub = await currentPushSubscription().catch(() => null);
  const perm = permission();
  if (perm === 'denied') {
    slot.append(
      h(
        'p',
        {},
        t(
          'Notifications are blocked for Afterglow in this browser. To turn them on, allow notifications for this site in your browser or phone settings, then come back here.',
        ),
      ),
    );
    return;
  }
  if (sub && perm === 'granted') {
    // The browser's word is not enough: the server may have dropped this device.
    const state = await syncPush(user.id).catch(() => 'on'); // offline: it cannot be checked now
    const off = h('button', { type: 'button', class: 'secondary' }, t('Turn off notifications'));
    off.addEventListener('click', async () => {
      off.disabled = true;
      try {
        await disablePush();
        say(t('Notifications are off on this device.'));
      } catch (err) {
        say(describeError(err));
      }
      again();
    });
    slot.append(
      state === 'refused'
        ? h(
            'p',
            {},
            t(
              "Your clinic's server does not send to this browser's notification service, so no reminder appears on this device. Your reminder comes by email when email reminders are on.",
            ),
          )
        : h('p', {}, t('Notifications are on. Your reminder will appear on this device.')),
      off,
    );
    return;
  }
  const on = h('button', { type: 'button', class: 'primary' }, t('Turn on notifications'));
  on.addEventListener('click', async () => {
    on.disabled = true;
    try {
      const result = await enablePush(user.id);
      say(
        result === 'granted'
          ? t('Notifications are on. Your daily reminder will appear on this device.')
          : t('Notifications stay off. You can turn them on in Settings any time.'),
      );
    } catch (err) {
      say(
        err instanceof DOMException
          ? t('This browser could not set up notifications. Email reminders still work.')
          : t('Notifications could not be turned on. {reason}', { reason: describeError(err) }),
      );
    }
    again();
  });
  append(slot, [
    h('p', {}, reason()),
    isIOS() && !isStandalone()
      ? h(
          'p',
          { class: 'hint' },
          t('On iPhone, add Afterglow to your Home Screen first (Share, then "Add to Home Screen").'),
        )
      : null,
    on,
  ]);
}
