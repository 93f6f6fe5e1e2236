// Administration: care teams (make, rename, how many patients and staff each has) and moving
// a patient to another team (found by name or email; no health data).
import { get, post, patch } from '../../api.js';
import { h, clear, field, selectField } from '../../dom.js';

export function teamsSection(state, actions) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'admin-teams' },
    h('h2', { id: 'admin-teams' }, 'Care teams'),
    h(
      'ul',
      { class: 'admin-list' },
      state.teams.map((team) => teamItem(actions, team)),
    ),
    newTeamForm(actions),
  );
}

function counts(team) {
  const patients = team.patients === 1 ? '1 patient' : `${team.patients} patients`;
  const staff = team.staff === 1 ? '1 active staff member' : `${team.staff} active staff members`;
  return `${patients}, ${staff}`;
}

function teamItem(actions, team) {
  const name = field({ label: `New name for ${team.name}`, name: 'name', value: team.name, maxlength: 200 });
  const form = h(
    'form',
    { class: 'inline-form', novalidate: true },
    name.wrap,
    h('button', { type: 'submit', class: 'secondary' }, `Rename ${team.name}`),
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
  const name = field({ label: 'Name of the new team', name: 'name', maxlength: 200 });
  const form = h(
    'form',
    { class: 'inline-form', novalidate: true },
    name.wrap,
    h('button', { type: 'submit', class: 'primary' }, 'Make team'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    saveTeam(actions, name, '/api/v1/admin/teams', 'POST');
  });
  return h('div', {}, h('h3', {}, 'Make a care team'), form);
}

async function saveTeam(actions, name, path, method) {
  name.setError(null);
  const value = name.input.value.trim();
  if (!value) return name.setError('Please give the team a name.');
  try {
    await (method === 'POST' ? post(path, { name: value }) : patch(path, { name: value }));
  } catch (err) {
    if (err.fields?.name) return name.setError(err.fields.name.join(' '));
    return actions.fail(err);
  }
  await actions.reload();
  actions.say(method === 'POST' ? `The team ${value} is made.` : `The team is now called ${value}.`);
}

export function patientsSection(state, actions) {
  const q = field({
    label: 'Find a patient by name or email',
    name: 'q',
    type: 'search',
    autocomplete: 'off',
  });
  const results = h('ul', { class: 'admin-list', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'inline-form', role: 'search', novalidate: true },
    q.wrap,
    h('button', { type: 'submit', class: 'secondary' }, 'Find'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    findPatients(state, actions, q.input.value.trim(), results);
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'admin-patients' },
    h('h2', { id: 'admin-patients' }, 'Move a patient to another team'),
    h('p', { class: 'hint' }, 'The new team can read their diary at once; the old one no longer can.'),
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
    : [h('li', {}, 'No patient matches.')];
  clear(results).append(...items);
}

function patientItem(state, actions, patient) {
  const team = selectField({
    label: `Care team of ${patient.name}`,
    name: 'care_team_id',
    options: state.teams.map((t) => [t.id, t.name]),
    value: patient.care_team_id,
  });
  const form = h(
    'form',
    { class: 'inline-form' },
    team.wrap,
    h('button', { type: 'submit', class: 'secondary' }, `Move ${patient.name}`),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await patch(`/api/v1/admin/patients/${patient.id}`, { care_team_id: team.select.value });
    } catch (err) {
      return actions.fail(err);
    }
    const name = state.teams.find((t) => t.id === team.select.value)?.name;
    await actions.reload();
    actions.say(`${patient.name} is now on ${name}.`);
  });
  return h('li', { class: 'admin-item' }, h('h3', {}, patient.name), h('p', {}, patient.email), form);
}
