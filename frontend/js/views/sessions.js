// Sessions: past and planned treatment sessions, and recording a self-administered dose.
// render() keeps the one state object; the page, the lists and the cards are functions of
// (state, actions) below.
import { get, del, describeError, NetworkError } from '../api.js';
import { h, clear, focusQuietly } from '../dom.js';
import { ROUTE_LABEL, HOME_ROUTES } from '../routes.js';
import { loadForm, sideEffectLabels } from '../gad7.js';
import { formatDateTime, toDateTimeLocalValue } from '../dates.js';
import { sessionForm } from '../sessionform.js';

export async function render(ctx) {
  const texts = await loadForm('daily');
  const state = {
    user: ctx.user,
    texts,
    sideEffectLabel: sideEffectLabels(texts),
    slots: {
      status: h('div', { role: 'status', class: 'status' }),
      upcoming: h('div', {}),
      past: h('div', {}),
    },
  };
  const { status } = state.slots;
  const actions = {
    isCurrent: ctx.isCurrent,
    load: () => load(state, actions),
    say: (text) => {
      status.textContent = text;
    },
    focusStatus: () => focusQuietly(status),
  };
  ctx.main.append(sessionsPage(state, doseForm(state, actions)));
  await actions.load();
}

function sessionsPage({ slots }, form) {
  return h(
    'section',
    { class: 'page' },
    h('h1', {}, 'Sessions'),
    slots.status,
    h('h2', {}, 'Planned'),
    slots.upcoming,
    h('h2', {}, 'Past sessions'),
    slots.past,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'dose-title' },
      h('h2', { id: 'dose-title' }, 'Record a dose you took yourself'),
      h(
        'p',
        { class: 'hint' },
        'For a dose your clinic prescribed for home use. Sessions at the clinic are recorded by your care team.',
      ),
      form,
    ),
  );
}

function doseForm({ user, texts }, actions) {
  return sessionForm({
    url: '/api/v1/patients/me/treatments',
    submitLabel: 'Save dose',
    submitClass: 'primary wide',
    defaultRoute: 'intranasal',
    routes: HOME_ROUTES,
    defaultNow: true,
    effectsLegend: 'Side effects you noticed (optional)',
    sideEffects: texts.side_effects,
    timeZone: user.timezone,
    onSaved: async (saved, fields) => {
      actions.say(`Your dose on ${formatDateTime(saved.starts_at, user.timezone)} is saved.`);
      fields.parts.when.input.value = toDateTimeLocalValue(new Date(), user.timezone);
      actions.focusStatus();
      await actions.load();
    },
  });
}

async function load(state, actions) {
  const { upcoming, past } = state.slots;
  let items;
  try {
    ({ items } = await get('/api/v1/patients/me/treatments'));
  } catch (err) {
    if (!actions.isCurrent()) return;
    const text =
      err instanceof NetworkError
        ? 'You are offline. Your sessions will show when you are back online.'
        : describeError(err);
    clear(upcoming).append(h('p', { class: 'notice' }, text));
    clear(past);
    return;
  }
  if (!actions.isCurrent()) return;
  const planned = items.filter((t) => t.status === 'planned');
  const done = items.filter((t) => t.status !== 'planned').reverse();
  clear(upcoming).append(
    sessionList(
      planned,
      'No sessions planned yet. Your clinic adds them here when they are booked.',
      state,
      actions,
    ),
  );
  clear(past).append(sessionList(done, 'No sessions yet.', state, actions));
}

function sessionList(sessions, empty, state, actions) {
  if (!sessions.length) return h('p', {}, empty);
  return h(
    'ul',
    { class: 'session-list' },
    sessions.map((t) => h('li', {}, sessionCard(t, state, actions))),
  );
}

function sessionCard(t, state, actions) {
  const mine = t.recorded_by?.role === 'patient';
  return h(
    'article',
    { class: 'card session' },
    h('h3', {}, formatDateTime(t.starts_at, state.user.timezone)),
    h(
      'p',
      {},
      [ROUTE_LABEL[t.route] || t.route, t.dose_mg ? `${t.dose_mg} mg` : null].filter(Boolean).join(' · '),
    ),
    h('p', { class: 'hint' }, mine ? 'Recorded by you' : 'Recorded by your clinic'),
    t.side_effects?.length
      ? h(
          'p',
          {},
          `Side effects: ${t.side_effects.map((s) => rated(state.sideEffectLabel[s] || s, t.side_effect_severity?.[s])).join(', ')}`,
        )
      : null,
    t.notes ? h('p', { class: 'note' }, t.notes) : null,
    mine ? removeButton(t, actions) : null,
  );
}

// A dose the patient recorded can be removed: the first tap asks, the second removes.
function removeButton(t, actions) {
  const remove = h('button', { type: 'button', class: 'secondary' }, 'Remove this dose');
  remove.addEventListener('click', async () => {
    if (remove.dataset.confirm !== 'yes') {
      remove.dataset.confirm = 'yes';
      remove.textContent = 'Tap again to remove it';
      return;
    }
    try {
      await del(`/api/v1/treatments/${t.id}`);
      actions.say('The dose was removed.');
      await actions.load();
    } catch (err) {
      actions.say(describeError(err));
    }
  });
  return remove;
}

// "Nausea (mild)": a side effect with the rating given, if any.
function rated(label, severity) {
  return severity ? `${label} (${severity})` : label;
}
