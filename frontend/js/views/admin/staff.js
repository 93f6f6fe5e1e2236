// Administration: the staff list (status, two-step sign-in, teams), turning accounts off and
// on, resetting two-step sign-in, and inviting a staff member by email.
import { post, patch } from '../../api.js';
import { h, field, checkbox, confirmDialog, uid } from '../../dom.js';
import { formatDateTime } from '../../dates.js';

export function staffSection(state, actions) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'admin-staff' },
    h('h2', { id: 'admin-staff' }, 'Staff'),
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
    member.active ? null : h('span', { class: 'status-tag status-off' }, 'Turned off'),
    member.admin ? h('span', { class: 'status-tag' }, 'Administrator') : null,
    h('span', { class: 'status-tag' }, member.mfa_enabled ? 'Two-step sign-in on' : 'No two-step sign-in'),
  ];
  const last = member.last_login_at
    ? `Last login ${formatDateTime(member.last_login_at, state.ctx.user.timezone)}`
    : 'Never logged in';
  return [h('p', { class: 'tags' }, tags), h('p', { class: 'hint' }, last)];
}

function staffItem(state, actions, member) {
  const self = member.id === state.ctx.user.id;
  const toggle = h(
    'button',
    { type: 'button', class: 'secondary' },
    member.active ? `Turn off ${member.name}` : `Turn on ${member.name}`,
  );
  toggle.addEventListener('click', () => setActive(actions, member, !member.active));
  const reset = h(
    'button',
    { type: 'button', class: 'secondary' },
    `Reset two-step sign-in for ${member.name}`,
  );
  reset.addEventListener('click', () => resetMfa(actions, member));
  return h(
    'li',
    { class: 'admin-item' },
    h('h3', {}, member.name, self ? ' (you)' : ''),
    h('p', {}, member.email),
    statusLine(state, member),
    teamPicker(state, actions, member),
    h('div', { class: 'actions' }, toggle, member.mfa_enabled ? reset : null),
  );
}

async function setActive(actions, member, active) {
  if (!active) {
    const sure = await confirmDialog({
      title: `Turn off ${member.name}?`,
      text: 'They are logged out everywhere at once and cannot log in until turned on again. Their patients stay with their teams.',
      choices: [
        { value: 'keep', label: 'Keep on' },
        { value: 'off', label: 'Turn off', primary: true },
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
  actions.say(active ? `${member.name} is turned on.` : `${member.name} is turned off and logged out.`);
}

async function resetMfa(actions, member) {
  const sure = await confirmDialog({
    title: `Reset two-step sign-in for ${member.name}?`,
    text: 'Their authenticator app stops working for Afterglow and they are logged out. They set it up again at their next login where it is required.',
    choices: [
      { value: 'keep', label: 'Cancel' },
      { value: 'reset', label: 'Reset', primary: true },
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
  actions.say(`Two-step sign-in was reset for ${member.name}.`);
}

function teamChecks(state, chosen) {
  return state.teams.map((team) =>
    checkbox({ label: team.name, name: 'team_ids', value: team.id, checked: chosen.includes(team.id) }),
  );
}

function teamPicker(state, actions, member) {
  const legendId = uid('teams');
  const save = h('button', { type: 'submit', class: 'secondary' }, `Save teams of ${member.name}`);
  const form = h(
    'form',
    { class: 'team-picker' },
    h(
      'fieldset',
      { class: 'checks', 'aria-labelledby': legendId },
      h('legend', { id: legendId }, 'Care teams'),
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
    actions.say(`${member.name}’s teams are saved.`);
  });
  return form;
}

function inviteForm(state, actions) {
  const name = field({ label: 'Name', name: 'name', autocomplete: 'off', maxlength: 200 });
  const email = field({ label: 'Email', name: 'email', type: 'email', autocomplete: 'off' });
  const admin = checkbox({ label: 'Administrator', name: 'admin' });
  const legendId = uid('invite-teams');
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('h3', {}, 'Invite staff'),
    name.wrap,
    email.wrap,
    h(
      'fieldset',
      { class: 'checks', 'aria-labelledby': legendId },
      h('legend', { id: legendId }, 'Their care teams'),
      teamChecks(state, []),
    ),
    admin,
    h('button', { type: 'submit', class: 'primary' }, 'Send invitation'),
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
  if (!body.name) return name.setError('Please give their name.');
  if (!body.email.includes('@')) return email.setError('Please give their email address.');
  try {
    await post('/api/v1/admin/staff-invites', body);
  } catch (err) {
    const fields = err.fields || {};
    if (fields.email) return email.setError(fields.email.join(' '));
    return actions.fail(err);
  }
  await actions.reload();
  actions.say(`An invitation is on its way to ${body.email}.`);
}
