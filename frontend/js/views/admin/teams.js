// Administration: care teams (make, rename, how many patients and staff each has) and moving
// a patient to another team (found by name or email; no health data).
import { get, post, patch } from '../../api.js';
import { h, clear, field, selectField } from '../../dom.js';
import { t, tn } from '../../i18n.js';

export function teamsSection(state, actions) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'admin-teams' },
    h('h2', { id: 'admin-teams' }, t('Care teams')),
    h(
      'ul',
      { class: 'admin-list' },
      state.teams.map((team) => teamItem(actions, team)),
    ),
    newTeamForm(actions),
  );
}

function counts(team) {
  const patients = tn('{n} patient', '{n} patients', team.patients);
  const staff = tn('{n} active staff member', '{n} active staff members', team.staff);
  // TRANSLATORS: "3 patients, 2 active staff members".
  return t('{patients}, {staff}', { patients, staff });
}

function teamItem(actions, team) {
  const name = field({
    label: t('New name for {team}', { team: team.name }),
    name: 'name',
    value: team.name,
    maxlength: 200,
  });
  const form = h(
    'form',
    { class: 'inline-form', novalidate: true },
    name.wrap,
    h('button', { type: 'submit', class: 'secondary' }, t('Rename {team}', { team: team.name })),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    saveTeam(actions, name, `/api/v1/admin/teams/${team.id}`, 'PATCH');
  });
  return h(
    'li',
    { class: 'admin-item' },
    h('h3', {}, team.name),
    h('p', { class: 'hint' }, counts(team)),
    form,
  );
}

function newTeamForm(actions) {
  const name = field({ label: t('Name of the new team'), name: 'name', maxlength: 200 });
  const form = h(
    'form',
    { class: 'inline-form', novalidate: true },
    name.wrap,
    h('button', { type: 'submit', class: 'primary' }, t('Make team')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    saveTeam(actions, name, '/api/v1/admin/teams', 'POST');
  });
  return h('div', {}, h('h3', {}, t('Make a care team')), form);
}

async function saveTeam(actions, name, path, method) {
  name.setError(null);
  const value = name.input.value.trim();
  if (!value) return name.setError(t('Please give the team a name.'));
  try {
    await (method === 'POST' ? post(path, { name: value }) : patch(path, { name: value }));
  } catch (err) {
    if (err.fields?.name) return name.setError(err.fields.name.join(' '));
    return actions.fail(err);
  }
  await actions.reload();
  actions.say(
    method === 'POST'
      ? t('The team {team} is made.', { team: value })
      : t('The team is now called {team}.', { team: value }),
  );
}

export function patientsSection(state, actions) {
  const q = field({
    label: t('Find a patient by name or email'),
    name: 'q',
    type: 'search',
    autocomplete: 'off',
  });
  const results = h('ul', { class: 'admin-list', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'inline-form', role: 'search', novalidate: true },
    q.wrap,
    h('button', { type: 'submit', class: 'secondary' }, t('Find')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    findPatients(state, actions, q.input.value.trim(), results);
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'admin-patients' },
    h('h2', { id: 'admin-patients' }, t('Move a patient to another team')),
    h('p', { class: 'hint' }, t('The new team can read their diary at once; the old one no longer can.')),
    form,
    results,
  );
}

async function findPatients(state, actions, q, results) {
  let found;
  try {
    found = await get(`/api/v1/admin/patients?${new URLSearchParams(q ? { q } : {})}`);
  } catch (err) {
    return actions.fail(err);
  }
  const items = found.items.length
    ? found.items.map((patient) => patientItem(state, actions, patient))
    : [h('li', {}, t('No patient matches.'))];
  clear(results).append(...items);
}

function patientItem(state, actions, patient) {
  const team = selectField({
    label: t('Care team of {name}', { name: patient.name }),
    name: 'care_team_id',
    options: state.teams.map((team) => [team.id, team.name]),
    value: patient.care_team_id,
  });
  const form = h(
    'form',
    { class: 'inline-form' },
    team.wrap,
    h('button', { type: 'submit', class: 'secondary' }, t('Move {name}', { name: patient.name })),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await patch(`/api/v1/admin/patients/${patient.id}`, { care_team_id: team.select.value });
    } catch (err) {
      return actions.fail(err);
    }
    const name = state.teams.find((each) => each.id === team.select.value)?.name;
    await actions.reload();
    actions.say(t('{name} is now on {team}.', { name: patient.name, team: name }));
  });
  return h('li', { class: 'admin-item' }, h('h3', {}, patient.name), h('p', {}, patient.email), form);
}
