// The patient's access log in plain words: one line per person, kind of access and day, with a
// count (docs/api.md, "The access log"). Flags are the care team's tool: the patient reads that the
// team reviewed their diary. The words continue "{who} … on {date}.", the person as subject.
import { get, describeError } from '../api.js';
import { h, clear } from '../dom.js';
import { formatDate } from '../dates.js';
import { t, tn } from '../i18n.js';

// The words for n accesses of a kind on one day (n ≥ 1), where a count reads better inside them.
const COUNTED = {
  'create entries': (n) => tn('added a check-in', 'added {n} check-ins', n),
  'update entries': (n) => tn('changed a check-in', 'changed {n} check-ins', n),
  'delete entries': (n) => tn('deleted a check-in', 'deleted {n} check-ins', n),
  'create treatments': (n) => tn('added a session', 'added {n} sessions', n),
  'update treatments': (n) => tn('changed a session', 'changed {n} sessions', n),
  'delete treatments': (n) => tn('deleted a session', 'deleted {n} sessions', n),
  'update flags': (n) => tn('noted a review of your diary', 'noted {n} reviews of your diary', n),
};

// The words for one access of the other kinds; several on a day add ", 3 times".
const phrases = () => ({
  'read diary': t('looked at your diary'),
  'read worklist': t('saw your line on the patient list'),
  'update intake_baseline': t('changed your intake score'),
  'export export:entries.csv': t('exported your check-ins as CSV'),
  'export export:treatments.csv': t('exported your sessions as CSV'),
  'export export:fhir': t('exported your check-ins and sessions as a FHIR bundle'),
  'export export:sessions.ics': t('exported your planned sessions as a calendar'),
  'export export:sessions.ics:feed': t('had a calendar app fetch your planned sessions'),
  'create calendar-feed': t('made a calendar link to your planned sessions'),
  'update settings': t('changed your reminder settings'),
  'create push_subscriptions': t('turned on notifications on a device'),
  'update push_subscriptions': t('renewed notifications on a device'),
  'delete push_subscriptions': t('turned off notifications on a device'),
  'create password_reset': t('asked for a link to reset your password'),
  'update password': t('changed your password'),
  'update mfa': t('changed two-step sign-in'),
  'create account': t('created your account'),
  'update account_closed': t('closed your account'),
  'delete account': t('deleted your account'),
  'update discharge': t('marked your care as ended (discharged)'),
  'update readmit': t('marked your care as active again'),
  'update care_team': t('moved you to another care team'),
});

// An access with no words of its own (a new kind): its verb, about the diary.
const verbs = () => ({
  read: t('looked at your diary'),
  create: t('added to your diary'),
  update: t('changed your diary'),
  delete: t('deleted from your diary'),
  export: t('exported your diary'),
});

function what(item) {
  const key = `${item.action} ${item.resource}`;
  const n = item.count;
  if (COUNTED[key]) return COUNTED[key](n);
  const action = phrases()[key] || verbs()[item.action] || t('used your diary');
  // TRANSLATORS: an access ("looked at your diary") done several times on one day.
  return n > 1 ? tn('{action}, {n} time', '{action}, {n} times', n, { action }) : action;
}

function who(item, user) {
  if (item.actor?.id === user.id) return t('You');
  const name = item.actor?.name || t('Someone');
  return item.actor?.role === 'provider' ? t('{name} (care team)', { name }) : name;
}

/** "Dr Vale (care team) looked at your diary, 3 times on Dec 6." */
export function logLine(item, user) {
  // TRANSLATORS: who ("You", "Dr Vale (care team)"), what they did ("looked at your diary, 3 times"), the day.
  return t('{who} {what} on {date}.', { who: who(item, user), what: what(item), date: formatDate(item.day) });
}

/** The log's first page, and a button that reads on, a page of whole days at a time. */
export async function showAccessLog(slot, user) {
  const list = h('ul', { class: 'plain-list log' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, t('Show older entries'));
  const problem = h('p', { class: 'notice', role: 'status', hidden: true });
  let before = null;
  async function page() {
    more.disabled = true;
    const query = before ? `?before=${encodeURIComponent(before)}` : '';
    const { items, next_before: next } = await get(`/api/v1/me/access-log${query}`);
    list.append(...items.map((item) => h('li', {}, logLine(item, user))));
    before = next;
    more.hidden = !next;
    more.disabled = false;
    return items.length;
  }
  more.addEventListener('click', () =>
    page().catch((err) => {
      more.disabled = false;
      problem.textContent = describeError(err);
      problem.hidden = false;
    }),
  );
  const count = await page();
  clear(slot).append(
    count ? list : h('p', {}, t('Nobody has looked at your diary yet.')),
    h('p', { class: 'hint' }, t('Each line counts the times one person did one thing on one day.')),
    more,
    problem,
  );
}
