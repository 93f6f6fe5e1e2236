// The patient's access log in plain words: one line per person, kind of access and day, with a
// count (docs/api.md, "The access log"). Flags are the care team's tool: the patient reads that the
// team reviewed their diary. Each entry: the words for one access, and for several ({n}), if they differ.
import { get, describeError } from '../api.js';
import { h, clear } from '../dom.js';
import { formatDate } from '../dates.js';

const WORDS = {
  'read diary': ['looked at your diary'],
  'read worklist': ['saw your line on the patient list'],
  'create entries': ['added a check-in', 'added {n} check-ins'],
  'update entries': ['changed a check-in', 'changed {n} check-ins'],
  'delete entries': ['deleted a check-in', 'deleted {n} check-ins'],
  'create treatments': ['added a session', 'added {n} sessions'],
  'update treatments': ['changed a session', 'changed {n} sessions'],
  'delete treatments': ['deleted a session', 'deleted {n} sessions'],
  'update flags': ['noted a review of your diary', 'noted {n} reviews of your diary'],
  'update intake_baseline': ['changed your intake score'],
  'export export:entries.csv': ['exported your check-ins as CSV'],
  'export export:treatments.csv': ['exported your sessions as CSV'],
  'export export:fhir': ['exported your check-ins and sessions as a FHIR bundle'],
  'export export:sessions.ics': ['exported your planned sessions as a calendar'],
  'export export:sessions.ics:feed': ['had a calendar app fetch your planned sessions'],
  'create calendar-feed': ['made a calendar link to your planned sessions'],
  'update settings': ['changed your reminder settings'],
  'create push_subscriptions': ['turned on notifications on a device'],
  'update push_subscriptions': ['renewed notifications on a device'],
  'delete push_subscriptions': ['turned off notifications on a device'],
  'create password_reset': ['asked for a link to reset your password'],
  'update password': ['changed your password'],
  'update mfa': ['changed two-step sign-in'],
  'create account': ['created your account'],
  'update account_closed': ['closed your account'],
  'delete account': ['deleted your account'],
  'update discharge': ['marked your care as ended (discharged)'],
  'update readmit': ['marked your care as active again'],
  'update care_team': ['moved you to another care team'],
};

const VERBS = {
  read: 'looked at',
  create: 'added to',
  update: 'changed',
  delete: 'deleted from',
  export: 'exported',
};

function what(item) {
  const words = WORDS[`${item.action} ${item.resource}`];
  const n = item.count;
  if (!words) return `${VERBS[item.action] || item.action} your diary${n > 1 ? `, ${n} times` : ''}`;
  if (n > 1 && words[1]) return words[1].replace('{n}', String(n));
  return n > 1 ? `${words[0]}, ${n} times` : words[0];
}

function who(item, user) {
  if (item.actor?.id === user.id) return 'You';
  const name = item.actor?.name || 'Someone';
  return item.actor?.role === 'provider' ? `${name} (care team)` : name;
}

/** "Dr Vale (care team) looked at your diary, 3 times on Dec 6." */
export function logLine(item, user) {
  return `${who(item, user)} ${what(item)} on ${formatDate(item.day)}.`;
}

/** The log's first page, and a button that reads on, a page of whole days at a time. */
export async function showAccessLog(slot, user) {
  const list = h('ul', { class: 'plain-list log' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Show older entries');
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
    count ? list : h('p', {}, 'Nobody has looked at your diary yet.'),
    h('p', { class: 'hint' }, 'Each line counts the times one person did one thing on one day.'),
    more,
    problem,
  );
}
