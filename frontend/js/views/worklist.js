// The provider's worklist: patients in urgency order, and inviting a new patient.
import { get, post, del, describeError } from '../api.js';
import { h, clear, field, focusQuietly } from '../dom.js';
import { formatDate, formatDateTime, localDate, relativeDay, deviceTimeZone, viewerTime } from '../dates.js';
import { STATUS_LABEL, FLAG_LABEL, URGENT_DISCLAIMER, DUE_LABEL, BASIS_TAG } from '../labels.js';

export async function render(ctx) {
  const status = h('div', { role: 'status', class: 'status' });
  const tableSlot = h('div', {});
  const invite = invitePanel(status);
  // Filters and search: the server filters, so every page of the answer fits them.
  const state = {
    only: sessionStorage.getItem('afterglow:worklist-filter') || '',
    query: '',
    items: [], // the worklist comes in pages, most urgent first; later pages load on request
    nextCursor: null,
    generation: 0, // a slower, older answer must not overwrite a newer one
  };
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
      invite.pending,
      tools,
      tableSlot,
    ),
  );
  invite.loadPending();
  await reload();
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
  });
  filterBar.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b || b.value === state.only) return;
    state.only = b.value;
    sessionStorage.setItem('afterglow:worklist-filter', state.only);
    for (const btn of filterButtons) btn.setAttribute('aria-pressed', String(btn.value === state.only));
    reload();
  });
  let typing = null;
  search.addEventListener('input', () => {
    state.query = search.value.trim();
    clearTimeout(typing);
    typing = setTimeout(reload, 250);
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

const COLUMNS = [
  'Patient',
  'Status',
  'Latest score',
  'Last check-in',
  'Predicted wear-off',
  'Suggested session by',
  'Next planned session',
  'Open flags',
];

function renderTable(state, slot, { status, more }) {
  const rows = state.items;
  clear(slot);
  const viewerZone = deviceTimeZone();
  const table = h(
    'table',
    { class: 'worklist' },
    h('caption', {}, 'Patients'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        COLUMNS.map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
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
    h(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Worklist, scrolls sideways' },
      table,
    ),
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

function patientRow(p, viewerZone) {
  const today = localDate(new Date(), p.timezone);
  return h(
    'tr',
    { class: p.open_flags?.includes('urgent') ? 'has-urgent' : null },
    h(
      'th',
      { scope: 'row' },
      h('a', { href: `#/patients/${encodeURIComponent(p.id)}` }, p.name),
      careNote(p),
    ),
    h(
      'td',
      {},
      h('span', { class: `status-tag status-${p.status}` }, STATUS_LABEL[p.status] || p.status || '—'),
    ),
    h('td', {}, p.latest_score != null ? `${p.latest_score} · ${p.latest_severity}` : '—'),
    h(
      'td',
      {},
      p.last_entry_at
        ? h(
            'time',
            { datetime: p.last_entry_at, title: formatDateTime(p.last_entry_at, p.timezone, { viewerZone }) },
            relativeDay(localDate(new Date(p.last_entry_at), p.timezone), today),
          )
        : 'Never',
    ),
    h('td', {}, p.predicted_wear_off_date ? formatDate(p.predicted_wear_off_date) : '—'),
    h('td', {}, suggestedSession(p)),
    h(
      'td',
      {},
      p.next_planned_session ? timeCell(p.next_planned_session, p.timezone, viewerZone) : '—',
      p.next_planned_session && p.next_planned_by === 'patient'
        ? h('span', { class: 'hint' }, ' (booked by the patient)')
        : null,
    ),
    h(
      'td',
      {},
      p.open_flags?.length
        ? h(
            'ul',
            { class: 'flags-inline' },
            p.open_flags.map((k) => h('li', { class: `flag-tag flag-${k}` }, FLAG_LABEL[k] || k)),
          )
        : '—',
    ),
  );
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
  const pendingSlot = h('div', {});
  const pending = h(
    'section',
    { class: 'pending-invites', 'aria-labelledby': 'pending-title', hidden: true },
    h('h2', { id: 'pending-title' }, 'Pending invites'),
    pendingSlot,
  );

  async function loadPending() {
    let items;
    try {
      ({ items } = await get('/api/v1/invites'));
    } catch {
      return; // the worklist matters more; the list shows again on the next visit
    }
    clear(pendingSlot);
    pending.hidden = !items.length;
    pendingSlot.append(
      h(
        'ul',
        { class: 'invite-list' },
        items.map((inv) => pendingInvite(inv, status, loadPending)),
      ),
    );
  }

  button.addEventListener('click', () =>
    createInvite({ button, name, email, status, showInvite, loadPending }),
  );

  async function showInvite(invite) {
    const url = invite.url || `${location.origin}/#/join?code=${encodeURIComponent(invite.code)}`;
    const copy = h('button', { type: 'button', class: 'secondary' }, 'Copy link');
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(url);
        copy.textContent = 'Link copied';
      } catch {
        copy.textContent = 'Copy failed: select the link';
      }
    });
    const qrSlot = h('div', { class: 'qr-slot' }, h('p', { class: 'hint' }, 'Drawing the QR code…'));
    const heading = h('h2', {}, body(invite.name));
    clear(result).append(
      heading,
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
      h('div', { class: 'actions' }, copy),
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

function body(name) {
  return name ? `Invite for ${name}` : 'New invite';
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
    status.textContent = invite.sends
      ? `Invite created and emailed to ${invite.email}. The code is ${invite.code}.`
      : `Invite created. The code is ${invite.code}.`;
    await loadPending();
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
        ? ` · emailed ${inv.sends === 1 ? 'once' : `${inv.sends} times`}`
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
      await post(`/api/v1/invites/${encodeURIComponent(inv.id)}/resend`, {});
      status.textContent = `The invite for ${who} was sent again to ${inv.email}.`;
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
