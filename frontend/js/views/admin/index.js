// Clinic administration (administrators only): the clinic's MFA setting, staff, care teams and
// which team each patient is on. render() keeps one state object; each part is a function of
// (state, actions) in its own module. People and teams only: no health data is shown here.
import { get, patch, describeError } from '../../api.js';
import { h, clear, checkbox, focusQuietly } from '../../dom.js';
import { t } from '../../i18n.js';
import { staffSection } from './staff.js';
import { teamsSection, patientsSection } from './teams.js';

export async function render(ctx) {
  const state = {
    ctx,
    status: h('div', { role: 'status', class: 'status', tabindex: '-1' }),
    slot: h('div', { class: 'admin' }),
    staff: [],
    teams: [],
    settings: { mfa_required: false },
  };
  const actions = {
    reload: () => load(state, actions),
    say(message) {
      state.status.textContent = message;
      focusQuietly(state.status);
    },
    fail(err) {
      actions.say(describeError(err));
    },
  };
  ctx.main.append(
    h(
      'section',
      { class: 'page wide' },
      h('h1', {}, t('Administration')),
      h(
        'p',
        { class: 'lead' },
        t(
          'Staff, care teams and where each patient belongs. Reading a diary still needs a place on the patient’s care team.',
        ),
      ),
      state.status,
      state.slot,
    ),
  );
  await load(state, actions);
}

async function load(state, actions) {
  let staff, teams, settings;
  try {
    [staff, teams, settings] = await Promise.all([
      get('/api/v1/admin/staff'),
      get('/api/v1/admin/teams'),
      get('/api/v1/admin/settings'),
    ]);
  } catch (err) {
    if (state.ctx.isCurrent()) actions.fail(err);
    return;
  }
  if (!state.ctx.isCurrent()) return;
  Object.assign(state, { staff: staff.items, teams: teams.items, settings });
  clear(state.slot).append(
    settingsSection(state, actions),
    staffSection(state, actions),
    teamsSection(state, actions),
    patientsSection(state, actions),
  );
}

function settingsSection(state, actions) {
  const row = checkbox({
    label: t('Two-step sign-in required for all staff'),
    name: 'mfa_required',
    checked: state.settings.mfa_required,
    description: t('Staff without it set it up at their next login, before they can see anything else.'),
  });
  const input = row.querySelector('input');
  input.addEventListener('change', async () => {
    input.disabled = true;
    try {
      state.settings = await patch('/api/v1/admin/settings', { mfa_required: input.checked });
      actions.say(
        state.settings.mfa_required
          ? t('Two-step sign-in is now required for all staff.')
          : t('Two-step sign-in is now optional.'),
      );
    } catch (err) {
      input.checked = !input.checked;
      actions.fail(err);
    }
    input.disabled = false;
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'admin-settings' },
    h('h2', { id: 'admin-settings' }, t('Clinic settings')),
    row,
  );
}
