// Dates. A "local date" is YYYY-MM-DD in the patient's IANA time zone (docs/api.md, "Conventions").
import { locale, currentLanguage, t } from './i18n.js';

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
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
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

export function formatDate(dateStr, { weekday = false, year = false } = {}) {
  if (!dateStr) return '';
  const opts = { timeZone: 'UTC', day: 'numeric', month: 'short' };
  if (weekday) opts.weekday = 'short';
  if (year) opts.year = 'numeric';
  return new Intl.DateTimeFormat(locale(), opts).format(new Date(dayNumber(dateStr) * 86400000));
}

function zoneOrNull(timeZone) {
  return timeZone && isValidTimeZone(timeZone) ? timeZone : null;
}

/** The zone's short name at an instant: "MST", "CET", or "GMT+1" where the language has no name. */
export function zoneAbbreviation(iso, timeZone) {
  const tz = zoneOrNull(timeZone) || deviceTimeZone();
  // English names the most zones in US English ("MST"); another language in its own locale.
  const names = currentLanguage() === 'en' ? 'en-US' : locale();
  const parts = new Intl.DateTimeFormat(names, { timeZone: tz, timeZoneName: 'short' }).formatToParts(
    new Date(iso),
  );
  return parts.find((p) => p.type === 'timeZoneName')?.value || tz;
}

function formatIn(iso, timeZone, opts) {
  const tz = zoneOrNull(timeZone);
  return new Intl.DateTimeFormat(locale(), tz ? { ...opts, timeZone: tz } : opts).format(new Date(iso));
}

const DATE_TIME = { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' };
const TIME = { hour: 'numeric', minute: '2-digit' };

/**
 * One rule for time: an instant in the patient's zone, labelled with the zone's
 * abbreviation ("3 Dec, 10:00 MST"). With viewerZone (the provider's browser)
 * the viewer's own time follows when it reads differently ("· 18:00 CET your time").
 */
export function formatDateTime(iso, timeZone, { viewerZone = null, timeOnly = false } = {}) {
  if (!iso) return '';
  const opts = timeOnly ? TIME : DATE_TIME;
  const text = `${formatIn(iso, timeZone, opts)} ${zoneAbbreviation(iso, timeZone)}`;
  const viewer = viewerTime(iso, timeZone, viewerZone, opts);
  return viewer ? t('{time} ({viewer} your time)', { time: text, viewer }) : text;
}

export function formatTime(iso, timeZone, options = {}) {
  return formatDateTime(iso, timeZone, { ...options, timeOnly: true });
}

/** The viewer's own reading of an instant, or null when their zone shows the same wall time. */
export function viewerTime(iso, timeZone, viewerZone, opts = DATE_TIME) {
  if (!iso || !viewerZone || !zoneOrNull(timeZone) || !zoneOrNull(viewerZone)) return null;
  if (wallTime(iso, timeZone) === wallTime(iso, viewerZone)) return null;
  // The date goes with the viewer's time only when the day differs.
  const sameDay = localDate(new Date(iso), timeZone) === localDate(new Date(iso), viewerZone);
  const viewerOpts = sameDay ? TIME : { ...DATE_TIME, ...opts };
  return `${formatIn(iso, viewerZone, viewerOpts)} ${zoneAbbreviation(iso, viewerZone)}`;
}

function wallTime(iso, timeZone) {
  return `${localDate(new Date(iso), timeZone)}T${toDateTimeLocalValue(new Date(iso), timeZone).slice(11)}`;
}

/** A wall-clock time "HH:MM" (a reminder's) as the language writes it: "20:00", "8:00 PM". */
export function formatClock(hhmm) {
  const [hours, minutes] = String(hhmm).split(':').map(Number);
  if (Number.isNaN(hours) || Number.isNaN(minutes)) return String(hhmm || '');
  return new Intl.DateTimeFormat(locale(), { ...TIME, timeZone: 'UTC' }).format(
    Date.UTC(1970, 0, 1, hours, minutes),
  );
}

/** "today", "yesterday", "3 days ago", "in 2 days" relative to a local date, in the language shown. */
export function relativeDay(dateStr, today) {
  if (!dateStr) return '';
  const diff = daysBetween(today, dateStr);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  return rtf.format(diff, 'day');
}

/** A value for <input type="datetime-local">: the wall time of an instant in a zone (default the device's). */
export function toDateTimeLocalValue(date = new Date(), timeZone = null) {
  const tz = zoneOrNull(timeZone) || deviceTimeZone();
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (t) => parts.find((p) => p.type === t).value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/** Minutes a zone is ahead of UTC at an instant (ms since the epoch). */
function offsetMinutes(ms, timeZone) {
  const wall = toDateTimeLocalValue(new Date(ms), timeZone);
  const [d, t] = wall.split('T');
  const [y, m, day] = d.split('-').map(Number);
  const [hh, mm] = t.split(':').map(Number);
  return Math.round((Date.UTC(y, m - 1, day, hh, mm) - Math.floor(ms / 60000) * 60000) / 60000);
}

/**
 * An RFC 3339 instant from an <input type="datetime-local"> value read as wall time
 * in a zone (the patient's; default the device's). A time skipped by a DST change
 * moves forward by the gap; a repeated one takes its first occurrence.
 */
export function fromDateTimeLocalValue(value, timeZone = null) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || '');
  if (!m) return null;
  const tz = zoneOrNull(timeZone) || deviceTimeZone();
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  const first = asUtc - offsetMinutes(asUtc, tz) * 60000;
  const candidates = [first, asUtc - offsetMinutes(first, tz) * 60000].sort((a, b) => a - b);
  const exact = candidates.find((ms) => toDateTimeLocalValue(new Date(ms), tz) === value.slice(0, 16));
  return new Date(exact ?? Math.max(...candidates)).toISOString();
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
