// The provider's worklist: patients in urgency order, and inviting a new patient.
import { get, post, del, describeError } from '../api.js';
import { h, clear, field, focusQuietly } from '../dom.js';
import { formatDate, formatDateTime, localDate, relativeDay, deviceTimeZone, viewerTime } from '../dates.js';
import { STATUS_LABEL, flagLabel, URGENT_DISCLAIMER, DUE_LABEL, BASIS_TAG } from '../labels.js';

// The filter and the search live in the hash's query (#/patients?filter=overdue&q=lee), so a
// reload, a shared link and the back button bring them back. The timeline's "Back to worklist"
// returns to the last one (WORKLIST_KEY).
export const WORKLIST_KEY = 'afterglow:worklist-hash';

export async function render(ctx) {
  const status = h('div', { role: 'status', class: 'status' });
  const tableSlot = h('div', {});
  const invite = invitePanel(status);
  // Filters and search: the server filters, so every page of the answer fits them.
  const asked = ctx.query.get('filter') || '';
  const state = {
    only: FILTERS.some(([value]) => value === asked) ? asked : '',
    query: (ctx.query.get('q') || '').trim().slice(0, 100),
    items: [], // the worklist comes in pages, most urgent first; later pages load on request
    nextCursor: null,
    generation: 0, // a slower, older answer must not overwrite a newer one
  };
  sessionStorage.setItem(WORKLIST_KEY, worklistHash(state));
  const draw = () => {
    if (ctx.isCurrent()) renderTable(state, tableSlot, { status, more });
  };
  const more = () => loadPage(state).then(draw);
  const reload = () => reloadTable(state, ctx, tableSlot, draw);
  const tools = worklistTools(state, reload);

  ctx.main.append(
    h(
      'section',
      { class: 'page wide' },
      h('div', { class: 'page-head' }, h('h1', {}, 'Worklist'), invite.button),
      status,
      invite.element,
      tools,
      tableSlot,
      invite.pending, // after the patients: the worklist comes first
    ),
  );
  invite.loadPending();
  await reload();
}

/** The worklist's address for a filter and a search: #/patients, #/patients?filter=…&q=… */
function worklistHash(state) {
  const params = new URLSearchParams();
  if (state.only) params.set('filter', state.only);
  if (state.query) params.set('q', state.query);
  return `#/patients${params.size ? `?${params}` : ''}`;
}

/** Keeps the address in step: a new entry for a filter (back returns to the one before), the same for typing. */
function remember(state, { replace = false } = {}) {
  const hash = worklistHash(state);
  sessionStorage.setItem(WORKLIST_KEY, hash);
  if (location.hash === hash) return;
  if (replace) history.replaceState(history.state, '', hash);
  else history.pushState(null, '', hash);
}

/** The filter buttons and the search field; a change reloads the table. */
function worklistTools(state, reload) {
  const filterButtons = FILTERS.map(([value, label]) =>
    h(
      'button',
      { type: 'button', class: 'segment', value, 'aria-pressed': String(value === state.only) },
      label,
    ),
  );
  const filterBar = h('div', { class: 'segmented wrap', role: 'group', 'aria-label': 'Show' }, filterButtons);
  const search = h('input', {
    type: 'search',
    id: 'worklist-search',
    name: 'q',
    autocomplete: 'off',
    maxlength: '100',
    value: state.query,
  });
  filterBar.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b || b.value === state.only) return;
    state.only = b.value;
    remember(state);
    for (const btn of filterButtons) btn.setAttribute('aria-pressed', String(btn.value === state.only));
    reload();
  });
  let typing = null;
  search.addEventListener('input', () => {
    state.query = search.value.trim();
    clearTimeout(typing);
    typing = setTimeout(() => {
      remember(state, { replace: true });
      reload();
    }, 250);
  });
  return h(
    'div',
    { class: 'worklist-tools' },
    filterBar,
    h('div', { class: 'field search' }, h('label', { for: 'worklist-search' }, 'Search by name'), search),
  );
}

/** The next page of the worklist into state.items; false when a newer request overtook it. */
async function loadPage(state) {
  const params = new URLSearchParams();
  if (state.nextCursor) params.set('cursor', state.nextCursor);
  if (state.only) params.set('filter', state.only);
  if (state.query) params.set('q', state.query);
  const asked = state.generation;
  const page = await get(`/api/v1/patients${params.size ? `?${params}` : ''}`);
  if (asked !== state.generation) return false;
  state.items.push(...page.items);
  state.nextCursor = page.next_cursor || null;
  return true;
}

async function reloadTable(state, ctx, tableSlot, draw) {
  state.generation += 1;
  state.items = [];
  state.nextCursor = null;
  try {
    if (!(await loadPage(state))) return;
  } catch (err) {
    if (ctx.isCurrent()) clear(tableSlot).append(h('p', { class: 'notice' }, describeError(err)));
    return;
  }
  draw();
}

// [heading, cell class]: below 700 px each row is drawn as a card (css: "worklist cards"), the
// cells in the order of the card; "Next step" shows on the card alone (the desk has its columns).
const COLUMNS = [
  ['Patient', 'c-name'],
  ['Status', 'c-status'],
  ['Flags', 'c-flags'],
  ['Latest score', 'c-score'],
  ['Last check-in', 'c-last'],
  ['Predicted wear-off', 'c-wear'],
  ['Suggested session by', 'c-suggested'],
  ['Next planned session', 'c-planned'],
  ['Next step', 'c-next'],
];
const LABEL = Object.fromEntries(COLUMNS.map(([title, cls]) => [cls, title]));

function renderTable(state, slot, { status, more }) {
  const rows = state.items;
  clear(slot);
  const viewerZone = deviceTimeZone();
  // Explicit roles: the cards restyle the rows, and some browsers drop a restyled table's semantics.
  const table = h(
    'table',
    { class: 'worklist', role: 'table' },
    h('caption', {}, 'Patients'),
    h(
      'thead',
      { role: 'rowgroup' },
      h(
        'tr',
        { role: 'row' },
        COLUMNS.map(([t, cls]) => h('th', { scope: 'col', role: 'columnheader', class: cls }, t)),
      ),
    ),
    h(
      'tbody',
      { role: 'rowgroup' },
      rows.map((p) => patientRow(p, viewerZone)),
    ),
  );
  if (!rows.length) {
    slot.append(
      h(
        'p',
        {},
        state.only || state.query
          ? 'No patients match. Choose "All patients" or change the search.'
          : 'No patients yet. Use "Invite patient" to add your first one.',
      ),
    );
  }
  slot.append(
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Worklist' }, table),
  );
  if (state.nextCursor) slot.append(moreButton(status, more));
  if (rows.some((p) => p.open_flags?.includes('urgent'))) {
    slot.append(h('p', { class: 'disclaimer' }, URGENT_DISCLAIMER));
  }
}

function moreButton(status, more) {
  const button = h('button', { type: 'button' }, 'Show more patients');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await more();
    } catch (err) {
      button.disabled = false;
      status.textContent = describeError(err);
    }
  });
  return button;
}

const cell = (cls, ...content) => h('td', { role: 'cell', class: cls, 'data-label': LABEL[cls] }, ...content);

function patientRow(p, viewerZone) {
  const today = localDate(new Date(), p.timezone);
  const alarming = p.open_flags?.some((k) => k === 'safety' || k === 'urgent');
  return h(
    'tr',
    { role: 'row', class: alarming ? 'has-urgent' : null },
    h(
      'th',
      { scope: 'row', role: 'rowheader', class: 'c-name' },
      h('a', { href: `#/patients/${encodeURIComponent(p.id)}` }, p.name),
      careNote(p),
      p.new_reports ? h('span', { class: 'new-report-tag' }, 'New note or side effect') : null,
    ),
    cell(
      'c-status',
      h('span', { class: `status-tag status-${p.status}` }, STATUS_LABEL[p.status] || p.status || '—'),
    ),
    cell('c-flags', flagsCell(p)),
    cell('c-score', p.latest_score != null ? `${p.latest_score} · ${p.latest_severity}` : '—'),
    cell(
      'c-last',
      p.last_entry_at
        ? h(
            'time',
            { datetime: p.last_entry_at, title: formatDateTime(p.last_entry_at, p.timezone, { viewerZone }) },
            relativeDay(localDate(new Date(p.last_entry_at), p.timezone), today),
          )
        : 'Never',
    ),
    cell('c-wear', p.predicted_wear_off_date ? formatDate(p.predicted_wear_off_date) : '—'),
    cell('c-suggested', suggestedSession(p)),
    cell(
      'c-planned',
      p.next_planned_session ? timeCell(p.next_planned_session, p.timezone, viewerZone) : '—',
      p.next_planned_session && p.next_planned_by === 'patient'
        ? h('span', { class: 'hint' }, ' (booked by the patient)')
        : null,
    ),
    cell('c-next', nextStep(p)),
  );
}

/** The open flags in words, most urgent first (the server's order), and the latest acknowledgement. */
function flagsCell(p) {
  const open = p.open_flags || [];
  const ack = p.acknowledged;
  return [
    open.length
      ? h(
          'ul',
          { class: 'flags-inline' },
          open.map((k) => h('li', { class: `flag-tag flag-${k}` }, flagLabel(k))),
        )
      : h('span', { class: 'no-flags' }, 'No open flags'),
    ack
      ? h(
          'p',
          { class: 'ack-note' },
          `${flagLabel(ack.kind)} acknowledged${ack.by ? ` by ${ack.by}` : ''}, ` +
            `${formatDate(localDate(new Date(ack.at), p.timezone))}${ack.note ? `: ${ack.note}` : ''}`,
        )
      : null,
  ];
}

/** What to do next, in a few words, for the card: overdue, booked, a session to suggest, or nothing. */
function nextStep(p) {
  const by = (d) => formatDate(d, { weekday: true });
  if (p.session_due === 'overdue') {
    return h(
      'span',
      { class: 'overdue' },
      `Overdue: nothing booked (suggested by ${by(p.suggested_session_by)})`,
    );
  }
  if (p.next_planned_session) {
    const when = formatDateTime(p.next_planned_session, p.timezone);
    return p.session_due === 'booked_after_wear_off'
      ? h('span', { class: 'overdue' }, `Booked ${when}, after the predicted wear-off`)
      : `Booked ${when}`;
  }
  if (p.suggested_session_by) return `Suggest a session by ${by(p.suggested_session_by)}`;
  return p.open_flags?.length ? 'Review the open flag on the timeline' : 'Nothing due';
}
/** Paused, discharged or closed, under the name; nothing for an active patient. */
function careNote(p) {
  let text = null;
  if (p.closed_by_patient) text = 'Account closed by the patient';
  else if (p.patient_status === 'discharged') text = 'Discharged';
  else if (p.patient_status === 'paused') text = `Reminders paused until ${formatDate(p.paused_until)}`;
  return text ? h('span', { class: 'care-note' }, text) : null;
}

function suggestedSession(p) {
  if (!p.suggested_session_by) return '—';
  const due = DUE_LABEL[p.session_due];
  const basis = BASIS_TAG[p.prediction_basis];
  return h(
    'span',
    { class: p.session_due === 'overdue' ? 'overdue' : null },
    formatDate(p.suggested_session_by),
    due ? h('span', { class: `due-tag due-${p.session_due}` }, ` ${due}`) : null,
    basis ? h('span', { class: 'basis-tag' }, ` ${basis}`) : null,
  );
}

/** An instant in the patient's zone, labelled; the viewer's own time below it when it differs. */
function timeCell(iso, timeZone, viewerZone) {
  const viewer = viewerTime(iso, timeZone, viewerZone);
  return h(
    'time',
    { datetime: iso },
    formatDateTime(iso, timeZone),
    viewer ? h('span', { class: 'viewer-time' }, `${viewer} your time`) : null,
  );
}

// `overdue` (the API's name) lists every patient whose suggested date has passed, booked
// or not; the row's own tag says whether anything is booked (DUE_LABEL in labels.js).
const FILTERS = [
  ['', 'All patients'],
  ['needs_action', 'Needs action'],
  ['open_flags', 'Open flags'],
  ['overdue', 'Suggested date passed'],
  ['nothing_booked', 'Nothing booked'],
  ['discharged', 'Discharged'],
];

function invitePanel(status) {
  const button = h('button', { type: 'button', class: 'primary' }, 'Invite patient');
  const result = h('div', { class: 'invite-result', hidden: true });
  const name = field({ label: "Patient's name (optional)", name: 'invite_name', autocomplete: 'off' });
  const email = field({
    label: "Patient's email (optional)",
    name: 'invite_email',
    type: 'email',
    autocomplete: 'off',
  });
  const details = h(
    'details',
    { class: 'invite-details' },
    h('summary', {}, 'Add a name or email to the invite (optional)'),
    h('div', { class: 'stack' }, name.wrap, email.wrap),
  );
  const element = h('div', { class: 'invite' }, details, result);
  const { pending, loadPending } = pendingInvites(status);

  button.addEventListener('click', () =>
    createInvite({ button, name, email, status, showInvite, loadPending }),
  );

  async function showInvite(invite) {
    const url = invite.url || `${location.origin}/#/join?code=${encodeURIComponent(invite.code)}`;
    const qrSlot = h('div', { class: 'qr-slot' }, h('p', { class: 'hint' }, 'Drawing the QR code…'));
    const heading = h('h2', {}, body(invite.name));
    clear(result).append(
      heading,
      emailLine(invite),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Invite code'),
        h('dd', {}, h('code', { class: 'invite-code' }, invite.code)),
        h('dt', {}, 'Link'),
        h('dd', {}, h('a', { href: url, class: 'invite-url' }, url)),
        h('dt', {}, 'Valid until'),
        h('dd', {}, formatDateTime(invite.expires_at, deviceTimeZone())),
      ),
      h(
        'div',
        { class: 'actions' },
        copyButton(url, 'Copy link', 'Link copied'),
        copyButton(invite.code, 'Copy code', 'Code copied'),
      ),
      qrSlot,
      h(
        'p',
        { class: 'hint' },
        'The patient scans the code with their phone camera, or types the code on the "Create your account" page. It works once.',
      ),
    );
    result.hidden = false;
    focusQuietly(heading);
    try {
      const { qrImage } = await import('../qr.js');
      clear(qrSlot).append(qrImage(url, `QR code for the invite link ${url}`));
    } catch {
      clear(qrSlot).append(
        h('p', { class: 'hint' }, 'The QR code could not be drawn here; use the code or the link.'),
      );
    }
  }

  return { button, element, pending, loadPending };
}

/** The pending invites, folded away with a count so the first patient stays near the top of a phone's screen. */
function pendingInvites(status) {
  const pendingSlot = h('div', {});
  const pendingTitle = h('h2', { id: 'pending-title' }, 'Pending invites');
  const pending = h(
    'section',
    { class: 'pending-invites', 'aria-labelledby': 'pending-title', hidden: true },
    h('details', {}, h('summary', {}, pendingTitle), pendingSlot),
  );

  // reveal: unfolded, after the care team made an invite here (they are working with invites now).
  async function loadPending(reveal = false) {
    let items;
    try {
      ({ items } = await get('/api/v1/invites'));
    } catch {
      return; // the worklist matters more; the list shows again on the next visit
    }
    clear(pendingSlot);
    pending.hidden = !items.length;
    pendingTitle.textContent = `Pending invites (${items.length})`;
    if (reveal === true) pending.querySelector('details').open = true;
    pendingSlot.append(
      h(
        'ul',
        { class: 'invite-list' },
        items.map((inv) => pendingInvite(inv, status, loadPending)),
      ),
    );
  }

  return { pending, loadPending };
}

function body(name) {
  return name ? `Invite for ${name}` : 'New invite';
}

// What became of the invitation email, said plainly: a provider must not believe a patient has
// mail that was never sent (docs/api.md, "Invites").
function emailLine(invite) {
  if (invite.email_status === 'queued')
    return h('p', { class: 'calm' }, `The invitation email is on its way to ${invite.email}.`);
  if (invite.email_not_sent_reason === 'no_mail_server')
    return h(
      'p',
      { class: 'notice' },
      h('strong', {}, 'The email was not sent: '),
      'no mail server is set up for this clinic. Give the patient the link or the code below.',
    );
  return h('p', { class: 'calm' }, 'No email was given. Give the patient the link or the code below.');
}

function copyButton(text, label, done) {
  const button = h('button', { type: 'button', class: 'secondary' }, label);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = done;
    } catch {
      button.textContent = 'Copy failed: select it by hand';
    }
  });
  return button;
}

function createdLine(invite) {
  if (invite.email_status === 'queued')
    return `Invite created and its email queued for ${invite.email}. The code is ${invite.code}.`;
  if (invite.email_not_sent_reason === 'no_mail_server')
    return `Invite created, but the email was not sent (no mail server). The code is ${invite.code}.`;
  return `Invite created. The code is ${invite.code}.`;
}

async function createInvite({ button, name, email, status, showInvite, loadPending }) {
  button.disabled = true;
  const body = {};
  if (name.input.value.trim()) body.name = name.input.value.trim();
  if (email.input.value.trim()) body.email = email.input.value.trim();
  try {
    const invite = await post('/api/v1/invites', body);
    await showInvite(invite);
    name.input.value = '';
    email.input.value = '';
    status.textContent = createdLine(invite);
    await loadPending(true);
  } catch (err) {
    status.textContent = `The invite could not be created. ${describeError(err)}`;
  } finally {
    button.disabled = false;
  }
}

/** A pending invite: who, the code, until when, and Resend (if it has an email) and Revoke. */
function pendingInvite(inv, status, loadPending) {
  const who = inv.name || inv.email || 'No name given';
  const actions = h('div', { class: 'actions' });
  if (inv.email) actions.append(resendButton(inv, who, status, loadPending));
  actions.append(revokeButton(inv, who, status, loadPending));
  return h(
    'li',
    { class: 'invite-item' },
    h(
      'p',
      {},
      h('strong', {}, who),
      inv.name && inv.email ? ` · ${inv.email}` : '',
      ' · code ',
      h('code', {}, inv.code),
    ),
    h(
      'p',
      { class: 'hint' },
      `Valid until ${formatDateTime(inv.expires_at, deviceTimeZone())}`,
      inv.sends
        ? ` · email queued ${inv.sends === 1 ? 'once' : `${inv.sends} times`}`
        : ' · not emailed: share the link or code',
    ),
    actions,
  );
}

function resendButton(inv, who, status, loadPending) {
  const resend = h(
    'button',
    { type: 'button', class: 'secondary small', 'aria-label': `Resend the invite for ${who}` },
    'Resend',
  );
  resend.addEventListener('click', async () => {
    resend.disabled = true;
    try {
      const again = await post(`/api/v1/invites/${encodeURIComponent(inv.id)}/resend`, {});
      status.textContent =
        again.email_status === 'queued'
          ? `The invite for ${who} is queued to be emailed again to ${inv.email}.`
          : `The invite for ${who} was not emailed: no mail server is set up. Share its code instead.`;
      await loadPending();
    } catch (err) {
      resend.disabled = false;
      status.textContent = describeError(err);
    }
  });
  return resend;
}

function revokeButton(inv, who, status, loadPending) {
  const revoke = h(
    'button',
    { type: 'button', class: 'quiet small', 'aria-label': `Revoke the invite for ${who}` },
    'Revoke',
  );
  revoke.addEventListener('click', async () => {
    if (revoke.dataset.confirm !== 'yes') {
      revoke.dataset.confirm = 'yes';
      revoke.textContent = 'Confirm revoke';
      revoke.setAttribute('aria-label', `Confirm revoke: the invite for ${who}`);
      return;
    }
    revoke.disabled = true;
    try {
      await del(`/api/v1/invites/${encodeURIComponent(inv.id)}`);
      status.textContent = `The invite for ${who} was revoked; its code no longer works.`;
      await loadPending();
    } catch (err) {
      revoke.disabled = false;
      status.textContent = describeError(err);
    }
  });
  return revoke;
}
