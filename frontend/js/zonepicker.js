// A time zone chosen from a searchable list that shows each zone's local time now.
// A text box with a <datalist>: the browser filters it as the patient types.
import { h, uid } from './dom.js';
import { deviceTimeZone, timeZones, isValidTimeZone } from './dates.js';

export function timeNow(zone, at = new Date()) {
  return new Intl.DateTimeFormat(undefined, { timeZone: zone, hour: 'numeric', minute: '2-digit' }).format(
    at,
  );
}

export function zonePicker({ value, label = 'Time zone' }) {
  const device = deviceTimeZone();
  const zones = timeZones();
  for (const z of [value, device, 'UTC']) if (z && !zones.includes(z)) zones.unshift(z);
  const inputId = uid('timezone');
  const listId = uid('zones');
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
  const now = new Date();
  const list = h(
    'datalist',
    { id: listId },
    zones.map((z) => h('option', { value: z, label: `${z.replaceAll('_', ' ')}, now ${timeNow(z, now)}` })),
  );
  const input = h('input', {
    id: inputId,
    name: 'timezone',
    type: 'text',
    list: listId,
    value,
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': hintId,
  });
  const hint = h('p', { class: 'hint', id: hintId });
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const useDevice = h(
    'button',
    { type: 'button', class: 'secondary' },
    `Use this device's zone (${device.replaceAll('_', ' ')})`,
  );
  const useDeviceRow = h('div', { class: 'use-device' }, useDevice);

  const show = () => {
    const z = input.value.trim();
    hint.textContent =
      zones.includes(z) && isValidTimeZone(z)
        ? `Local time there now: ${timeNow(z)}. Type a city or region to search the list.`
        : 'Type a city or region, then choose it from the list.';
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

  function setError(message) {
    error.textContent = message || '';
    error.hidden = !message;
    if (message) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', `${hintId} ${errorId}`);
    } else {
      input.removeAttribute('aria-invalid');
      input.setAttribute('aria-describedby', hintId);
    }
  }

  return {
    wrap: h(
      'div',
      { class: 'field' },
      h('label', { for: inputId }, label),
      hint,
      input,
      list,
      error,
      useDeviceRow,
    ),
    input,
    /** The chosen zone, or null (with the error shown) when it is not one of the list. */
    read() {
      const z = input.value.trim();
      if (zones.includes(z) && isValidTimeZone(z)) return z;
      setError('Please choose a time zone from the list, for example Europe/Berlin.');
      input.focus();
      return null;
    },
    setError,
  };
}
