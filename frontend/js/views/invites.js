// Inviting a patient from the worklist: the invite panel (a code, a link and a QR code, the
// email's fate said plainly) and the pending invites with Resend and Revoke (docs/api.md, "Invites").
import { get, post, del, describeError } from '../api.js';
import { h, clear, field, selectField, focusQuietly } from '../dom.js';
import { formatDateTime, deviceTimeZone } from '../dates.js';
import { t, tn } from '../i18n.js';

/** The "Invite patient" button, the panel it fills, and the pending invites (with their loader). */
export function invitePanel(status) {
  const button = h('button', { type: 'button', class: 'primary' }, t('Invite patient'));
  const result = h('div', { class: 'invite-result', hidden: true });
  const name = field({ label: t("Patient's name (optional)"), name: 'invite_name', autocomplete: 'off' });
  const email = field({
    label: t("Patient's email (optional)"),
    name: 'invite_email',
    type: 'email',
    autocomplete: 'off',
  });
  // Unset, the patient reads the language their phone asks for when they register; the two
  // languages are each in its own words, as whoever reads the list knows their own.
  const language = selectField({
    label: t("Patient's language"),
    name: 'invite_language',
    options: [
      ['', t('As their phone is set')],
      ['en', 'English'],
      ['es', 'Español'],
    ],
    value: '',
    hint: t('Of the invitation email, and of their screens, reminders and emails once registered.'),
  });
  const details = h(
    'details',
    { class: 'invite-details' },
    h('summary', {}, t('Add a name or email to the invite (optional)')),
    h('div', { class: 'stack' }, name.wrap, email.wrap, language.wrap),
  );
  const element = h('div', { class: 'invite' }, details, result);
  const { pending, loadPending } = pendingInvites(status);

  button.addEventListener('click', () =>
    createInvite({ button, name, email, language, status, showInvite, loadPending }),
  );

  async function showInvite(invite) {
    const url = invite.url || `${location.origin}/#/join?code=${encodeURIComponent(invite.code)}`;
    const qrSlot = h('div', { class: 'qr-slot' }, h('p', { class: 'hint' }, t('Drawing the QR code…')));
    const heading = h(
      'h2',
      {},
      invite.name ? t('Invite for {name}', { name: invite.name }) : t('New invite'),
    );
    clear(result).append(
      heading,
      emailLine(invite),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('Invite code')),
        h('dd', {}, h('code', { class: 'invite-code' }, invite.code)),
        h('dt', {}, t('Link')),
        h('dd', {}, h('a', { href: url, class: 'invite-url' }, url)),
        h('dt', {}, t('Valid until')),
        h('dd', {}, formatDateTime(invite.expires_at, deviceTimeZone())),
      ),
      h(
        'div',
        { class: 'actions' },
        copyButton(url, t('Copy link'), t('Link copied')),
        copyButton(invite.code, t('Copy code'), t('Code copied')),
      ),
      qrSlot,
      h(
        'p',
        { class: 'hint' },
        t(
          'The patient scans the code with their phone camera, or types the code on the "Create your account" page. It works once.',
        ),
      ),
    );
    result.hidden = false;
    focusQuietly(heading);
    try {
      const { qrImage } = await import('../qr.js');
      clear(qrSlot).append(qrImage(url, t('QR code for the invite link {url}', { url })));
    } catch {
      clear(qrSlot).append(
        h('p', { class: 'hint' }, t('The QR code could not be drawn here; use the code or the link.')),
      );
    }
  }

  return { button, element, pending, loadPending };
}

/** The pending invites, folded away with a count so the first patient stays near the top of a phone's screen. */
function pendingInvites(status) {
  const pendingSlot = h('div', {});
  const pendingTitle = h('h2', { id: 'pending-title' }, t('Pending invites'));
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
    pendingTitle.textContent = tn('Pending invites ({n})', 'Pending invites ({n})', items.length);
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

// What became of the invitation email, said plainly: a provider must not believe a patient has
// mail that was never sent (docs/api.md, "Invites").
function emailLine(invite) {
  if (invite.email_status === 'queued')
    return h(
      'p',
      { class: 'calm' },
      t('The invitation email is on its way to {email}.', { email: invite.email }),
    );
  if (invite.email_not_sent_reason === 'no_mail_server')
    return h(
      'p',
      { class: 'notice' },
      h('strong', {}, t('The email was not sent.')),
      ' ',
      t('No mail server is set up for this clinic. Give the patient the link or the code below.'),
    );
  return h('p', { class: 'calm' }, t('No email was given. Give the patient the link or the code below.'));
}

function copyButton(text, label, done) {
  const button = h('button', { type: 'button', class: 'secondary' }, label);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = done;
    } catch {
      button.textContent = t('Copy failed: select it by hand');
    }
  });
  return button;
}

function createdLine(invite) {
  const values = { email: invite.email, code: invite.code };
  if (invite.email_status === 'queued')
    return t('Invite created and its email queued for {email}. The code is {code}.', values);
  if (invite.email_not_sent_reason === 'no_mail_server')
    return t('Invite created, but the email was not sent (no mail server). The code is {code}.', values);
  return t('Invite created. The code is {code}.', values);
}

async function createInvite({ button, name, email, language, status, showInvite, loadPending }) {
  button.disabled = true;
  const body = {};
  if (language.select.value) body.language = language.select.value;
  if (name.input.value.trim()) body.name = name.input.value.trim();
  if (email.input.value.trim()) body.email = email.input.value.trim();
  try {
    const invite = await post('/api/v1/invites', body);
    await showInvite(invite);
    name.input.value = '';
    email.input.value = '';
    language.select.value = '';
    status.textContent = createdLine(invite);
    await loadPending(true);
  } catch (err) {
    status.textContent = t('The invite could not be created. {reason}', { reason: describeError(err) });
  } finally {
    button.disabled = false;
  }
}

/** A pending invite: who, the code, until when, and Resend (if it has an email) and Revoke. */
function pendingInvite(inv, status, loadPending) {
  const who = inv.name || inv.email || t('No name given');
  const actions = h('div', { class: 'actions' });
  if (inv.email) actions.append(resendButton(inv, who, status, loadPending));
  actions.append(revokeButton(inv, who, status, loadPending));
  const until = t('Valid until {time}', { time: formatDateTime(inv.expires_at, deviceTimeZone()) });
  const sent = inv.sends
    ? tn('email queued once', 'email queued {n} times', inv.sends)
    : t('not emailed: share the link or code');
  return h(
    'li',
    { class: 'invite-item' },
    h(
      'p',
      {},
      h('strong', {}, who),
      inv.name && inv.email ? ` · ${inv.email}` : '',
      ' · ',
      t('code'),
      ' ',
      h('code', {}, inv.code),
    ),
    h('p', { class: 'hint' }, `${until} · ${sent}`),
    actions,
  );
}

function resendButton(inv, who, status, loadPending) {
  const resend = h(
    'button',
    { type: 'button', class: 'secondary small', 'aria-label': t('Resend the invite for {who}', { who }) },
    t('Resend'),
  );
  resend.addEventListener('click', async () => {
    resend.disabled = true;
    try {
      const again = await post(`/api/v1/invites/${encodeURIComponent(inv.id)}/resend`, {});
      status.textContent =
        again.email_status === 'queued'
          ? t('The invite for {who} is queued to be emailed again to {email}.', { who, email: inv.email })
          : t('The invite for {who} was not emailed: no mail server is set up. Share its code instead.', {
              who,
            });
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
    { type: 'button', class: 'quiet small', 'aria-label': t('Revoke the invite for {who}', { who }) },
    t('Revoke'),
  );
  revoke.addEventListener('click', async () => {
    if (revoke.dataset.confirm !== 'yes') {
      revoke.dataset.confirm = 'yes';
      revoke.textContent = t('Confirm revoke');
      revoke.setAttribute('aria-label', t('Confirm revoke: the invite for {who}', { who }));
      return;
    }
    revoke.disabled = true;
    try {
      await del(`/api/v1/invites/${encodeURIComponent(inv.id)}`);
      status.textContent = t('The invite for {who} was revoked; its code no longer works.', { who });
      await loadPending();
    } catch (err) {
      revoke.disabled = false;
      status.textContent = describeError(err);
    }
  });
  return revoke;
}
