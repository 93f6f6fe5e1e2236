// A time zone chosen from a searchable list that shows each zone's local time now.
// A text box with a <datalist>: the browser filters it as the patient types.
import { h, uid, field } from './dom.js';
import { deviceTimeZone, timeZones, isValidTimeZone } from './dates.js';
import { t, locale } from './i18n.js';

export function timeNow(zone, at = new Date()) {
  return new Intl.DateTimeFormat(locale(), { timeZone: zone, hour: 'numeric', minute: '2-digit' }).format(at);
}

export function zonePicker({ value, label = t('Time zone') }) {
  const device = deviceTimeZone();
  const zones = timeZones();
  for (const z of [value, device, 'UTC']) if (z && !zones.includes(z)) zones.unshift(z);
  const listId = uid('zones');
  const now = new Date();
  const list = h(
    'datalist',
    { id: listId },
    zones.map((z) =>
      h('option', {
        value: z,
        label: t('{zone}, now {time}', { zone: z.replaceAll('_', ' '), time: timeNow(z, now) }),
      }),
    ),
  );
  // The hint changes as the patient types; `field` gives it its place and id.
  const { wrap, input, hint, setError } = field({
    label,
    name: 'timezone',
    value,
    hint: ' ',
    autocomplete: 'off',
  });
  input.setAttribute('list', listId);
  input.setAttribute('spellcheck', 'false');
  const useDevice = h(
    'button',
    { type: 'button', class: 'secondary' },
    t("Use this device's zone ({zone})", { zone: device.replaceAll('_', ' ') }),
  );
  const useDeviceRow = h('div', { class: 'use-device' }, useDevice);

  const show = () => {
    const z = input.value.trim();
    hint.textContent =
      zones.includes(z) && isValidTimeZone(z)
        ? t('Local time there now: {time}. Type a city or region to search the list.', { time: timeNow(z) })
        : t('Type a city or region, then choose it from the list.');
    useDeviceRow.hidden = z === device;
  };
  input.addEventListener('input', () => {
    setError(null);
    show();
  });
  useDevice.addEventListener('click', () => {
    input.value = device;
    setError(null);
    show();
  });
  show();

  wrap.append(list, useDeviceRow);
  return {
    wrap,
    input,
    /** The chosen zone, or null (with the error shown) when it is not one of the list. */
    read() {
      const z = input.value.trim();
      if (zones.includes(z) && isValidTimeZone(z)) return z;
      setError(t('Please choose a time zone from the list, for example Europe/Berlin.'));
      input.focus();
      return null;
    },
    setError,
  };
}
