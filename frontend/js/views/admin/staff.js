// Administration: the staff list (status, two-step sign-in, teams), turning accounts off and
// on, resetting two-step sign-in, and inviting a staff member by email.
import { post, patch } from '../../api.js';
import { h, field, checkbox, confirmDialog, uid } from '../../dom.js';
import { formatDateTime } from '../../dates.js';
import { t } from '../../i18n.js';

export function staffSection(state, actions) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'admin-staff' },
    h('h2', { id: 'admin-staff' }, t('Staff')),
    h(
      'ul',
      { class: 'admin-list' },
      state.staff.map((member) => staffItem(state, actions, member)),
    ),
    inviteForm(state, actions),
  );
}

function statusLine(state, member) {
  const tags = [
    member.active ? null : h('span', { class: 'status-tag status-off' }, t('Turned off')),
    member.admin ? h('span', { class: 'status-tag' }, t('Administrator')) : null,
    h(
      'span',
      { class: 'status-tag' },
      member.mfa_enabled ? t('Two-step sign-in on') : t('No two-step sign-in'),
    ),
  ];
  const last = member.last_login_at
    ? t('Last login {time}', { time: formatDateTime(member.last_login_at, state.ctx.user.timezone) })
    : t('Never logged in');
  return [h('p', { class: 'tags' }, tags), h('p', { class: 'hint' }, last)];
}

function staffItem(state, actions, member) {
  const self = member.id === state.ctx.user.id;
  const toggle = h(
    'button',
    { type: 'button', class: 'secondary' },
    member.active ? t('Turn off {name}', { name: member.name }) : t('Turn on {name}', { name: member.name }),
  );
  toggle.addEventListener('click', () => setActive(actions, member, !member.active));
  const reset = h(
    'button',
    { type: 'button', class: 'secondary' },
    t('Reset two-step sign-in for {name}', { name: member.name }),
  );
  reset.addEventListener('click', () => resetMfa(actions, member));
  return h(
    'li',
    { class: 'admin-item' },
    h('h3', {}, self ? t('{name} (you)', { name: member.name }) : member.name),
    h('p', {}, member.email),
    statusLine(state, member),
    teamPicker(state, actions, member),
    h('div', { class: 'actions' }, toggle, member.mfa_enabled ? reset : null),
  );
}

async function setActive(actions, member, active) {
  if (!active) {
    const sure = await confirmDialog({
      title: t('Turn off {name}?', { name: member.name }),
      text: t(
        'They are logged out everywhere at once and cannot log in until turned on again. Their patients stay with their teams.',
      ),
      choices: [
        { value: 'keep', label: t('Keep on') },
        { value: 'off', label: t('Turn off'), primary: true },
      ],
      confirm: 'off',
    });
    if (!sure) return;
  }
  try {
    await patch(`/api/v1/admin/staff/${member.id}`, { active });
  } catch (err) {
    return actions.fail(err);
  }
  await actions.reload();
  actions.say(
    active
      ? t('{name} is turned on.', { name: member.name })
      : t('{name} is turned off and logged out.', { name: member.name }),
  );
}

async function resetMfa(actions, member) {
  const sure = await confirmDialog({
    title: t('Reset two-step sign-in for {name}?', { name: member.name }),
    text: t(
      'Their authenticator app stops working for Afterglow and they are logged out. They set it up again at their next login where it is required.',
    ),
    choices: [
      { value: 'keep', label: t('Cancel') },
      { value: 'reset', label: t('Reset'), primary: true },
    ],
    confirm: 'reset',
  });
  if (!sure) return;
  try {
    await post(`/api/v1/admin/staff/${member.id}/reset-mfa`, {});
  } catch (err) {
    return actions.fail(err);
  }
  await actions.reload();
  actions.say(t('Two-step sign-in was reset for {name}.', { name: member.name }));
}

function teamChecks(state, chosen) {
  return state.teams.map((team) =>
    checkbox({ label: team.name, name: 'team_ids', value: team.id, checked: chosen.includes(team.id) }),
  );
}

function teamPicker(state, actions, member) {
  const legendId = uid('teams');
  const save = h(
    'button',
    { type: 'submit', class: 'secondary' },
    t('Save teams of {name}', { name: member.name }),
  );
  const form = h(
    'form',
    { class: 'team-picker' },
    h(
      'fieldset',
      { class: 'checks', 'aria-labelledby': legendId },
      h('legend', { id: legendId }, t('Care teams')),
      teamChecks(state, member.team_ids),
    ),
    save,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const team_ids = [...form.querySelectorAll('input:checked')].map((input) => input.value);
    try {
      await patch(`/api/v1/admin/staff/${member.id}`, { team_ids });
    } catch (err) {
      return actions.fail(err);
    }
    await actions.reload();
    actions.say(t('{name}’s teams are saved.', { name: member.name }));
  });
  return form;
}

function inviteForm(state, actions) {
  const name = field({ label: t('Name'), name: 'name', autocomplete: 'off', maxlength: 200 });
  const email = field({ label: t('Email'), name: 'email', type: 'email', autocomplete: 'off' });
  const admin = checkbox({ label: t('Administrator'), name: 'admin' });
  const legendId = uid('invite-teams');
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('h3', {}, t('Invite staff')),
    name.wrap,
    email.wrap,
    h(
      'fieldset',
      { class: 'checks', 'aria-labelledby': legendId },
      h('legend', { id: legendId }, t('Their care teams')),
      teamChecks(state, []),
    ),
    admin,
    h('button', { type: 'submit', class: 'primary' }, t('Send invitation')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    sendInvite(actions, form, { name, email });
  });
  return form;
}

async function sendInvite(actions, form, { name, email }) {
  name.setError(null);
  email.setError(null);
  const body = {
    name: name.input.value.trim(),
    email: email.input.value.trim(),
    admin: form.querySelector('input[name="admin"]').checked,
    team_ids: [...form.querySelectorAll('input[name="team_ids"]:checked')].map((input) => input.value),
  };
  if (!body.name) return name.setError(t('Please give their name.'));
  if (!body.email.includes('@')) return email.setError(t('Please give their email address.'));
  try {
    await post('/api/v1/admin/staff-invites', body);
  } catch (err) {
    const fields = err.fields || {};
    if (fields.email) return email.setError(fields.email.join(' '));
    return actions.fail(err);
  }
  await actions.reload();
  actions.say(t('An invitation is on its way to {email}.', { email: body.email }));
}
