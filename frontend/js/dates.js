// Dates. A "local date" is YYYY-MM-DD in the patient's IANA time zone (CONTRACT.md §1).

export function deviceTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function isValidTimeZone(tz) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The local date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(instant = new Date(), timeZone = deviceTimeZone()) {
  const tz = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit',
  }).formatToParts(instant);
  const get = (t) => parts.find((p) => p.type === t).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Days since 1970-01-01 for a local date string: a plain integer axis for charts. */
export function dayNumber(dateStr) {
  const [y, m, d] = dateStr.slice(0, 10).split('-').map(Number);
  return Math.round(Date.UTC(y, m - 1, d) / 86400000);
}

export function fromDayNumber(n) {
  return new Date(n * 86400000).toISOString().slice(0, 10);
}

export function addDays(dateStr, days) {
  return fromDayNumber(dayNumber(dateStr) + days);
}

export function daysBetween(a, b) {
  return dayNumber(b) - dayNumber(a);
}

const locale = undefined; // the browser's language

export function formatDate(dateStr, { weekday = false, year = false } = {}) {
  if (!dateStr) return '';
  const opts = { timeZone: 'UTC', day: 'numeric', month: 'short' };
  if (weekday) opts.weekday = 'short';
  if (year) opts.year = 'numeric';
  return new Intl.DateTimeFormat(locale, opts).format(new Date(dayNumber(dateStr) * 86400000));
}

export function formatDateTime(iso, timeZone) {
  if (!iso) return '';
  const opts = { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' };
  if (timeZone && isValidTimeZone(timeZone)) opts.timeZone = timeZone;
  return new Intl.DateTimeFormat(locale, opts).format(new Date(iso));
}

export function formatTime(iso, timeZone) {
  if (!iso) return '';
  const opts = { hour: 'numeric', minute: '2-digit' };
  if (timeZone && isValidTimeZone(timeZone)) opts.timeZone = timeZone;
  return new Intl.DateTimeFormat(locale, opts).format(new Date(iso));
}

/** "today", "yesterday", "3 days ago", "in 2 days" relative to a local date. */
export function relativeDay(dateStr, today) {
  if (!dateStr) return '';
  const diff = daysBetween(today, dateStr);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  return rtf.format(diff, 'day');
}

/** A value for <input type="datetime-local"> from a Date, in the device's zone. */
export function toDateTimeLocalValue(date = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** An RFC 3339 instant from an <input type="datetime-local"> value (device zone). */
export function fromDateTimeLocalValue(value) {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function timeZones() {
  let zones = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  return zones;
}
