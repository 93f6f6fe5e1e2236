// Sessions: past and planned treatment sessions, and recording a self-administered dose.
// render() keeps the one state object; the page, the lists and the cards are functions of
// (state, actions) below.
import { get, del, describeError, NetworkError } from '../api.js';
import { h, clear, focusQuietly } from '../dom.js';
import { ROUTE_LABEL, HOME_ROUTES } from '../routes.js';
import { loadForm, sideEffectLabels, severityWord } from '../gad7.js';
import { formatDateTime, toDateTimeLocalValue } from '../dates.js';
import { sessionForm } from '../sessionform.js';
import { t, formatNumber, locale } from '../i18n.js';

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
    h('h1', {}, t('Sessions')),
    slots.status,
    h('h2', {}, t('Planned')),
    slots.upcoming,
    h('h2', {}, t('Past sessions')),
    slots.past,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'dose-title' },
      h('h2', { id: 'dose-title' }, t('Record a dose you took yourself')),
      h(
        'p',
        { class: 'hint' },
        t(
          'For a dose your clinic prescribed for home use. Sessions at the clinic are recorded by your care team.',
        ),
      ),
      form,
    ),
  );
}

function doseForm({ user, texts }, actions) {
  return sessionForm({
    url: '/api/v1/patients/me/treatments',
    submitLabel: t('Save dose'),
    submitClass: 'primary wide',
    defaultRoute: 'intranasal',
    routes: HOME_ROUTES,
    defaultNow: true,
    effectsLegend: t('Side effects you noticed (optional)'),
    sideEffects: texts.side_effects,
    timeZone: user.timezone,
    onSaved: async (saved, fields) => {
      actions.say(
        t('Your dose on {when} is saved.', { when: formatDateTime(saved.starts_at, user.timezone) }),
      );
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
        ? t('You are offline. Your sessions will show when you are back online.')
        : describeError(err);
    clear(upcoming).append(h('p', { class: 'notice' }, text));
    clear(past);
    return;
  }
  if (!actions.isCurrent()) return;
  const planned = items.filter((item) => item.status === 'planned');
  const done = items.filter((item) => item.status !== 'planned').reverse();
  clear(upcoming).append(
    sessionList(
      planned,
      t('No sessions planned yet. Your clinic adds them here when they are booked.'),
      state,
      actions,
    ),
  );
  clear(past).append(sessionList(done, t('No sessions yet.'), state, actions));
}

function sessionList(sessions, empty, state, actions) {
  if (!sessions.length) return h('p', {}, empty);
  return h(
    'ul',
    { class: 'session-list' },
    sessions.map((dose) => h('li', {}, sessionCard(dose, state, actions))),
  );
}

function sessionCard(dose, state, actions) {
  const mine = dose.recorded_by?.role === 'patient';
  return h(
    'article',
    { class: 'card session' },
    h('h3', {}, formatDateTime(dose.starts_at, state.user.timezone)),
    h(
      'p',
      {},
      [
        ROUTE_LABEL[dose.route] || dose.route,
        dose.dose_mg ? t('{dose} mg', { dose: formatNumber(dose.dose_mg) }) : null,
      ]
        .filter(Boolean)
        .join(' · '),
    ),
    h('p', { class: 'hint' }, mine ? t('Recorded by you') : t('Recorded by your clinic')),
    dose.side_effects?.length
      ? h(
          'p',
          {},
          t('Side effects: {list}', {
            list: new Intl.ListFormat(locale(), { type: 'unit' }).format(
              dose.side_effects.map((s) =>
                rated(state.sideEffectLabel[s] || s, dose.side_effect_severity?.[s]),
              ),
            ),
          }),
        )
      : null,
    dose.notes ? h('p', { class: 'note' }, dose.notes) : null,
    mine ? removeButton(dose, actions) : null,
  );
}

// A dose the patient recorded can be removed: the first tap asks, the second removes.
function removeButton(dose, actions) {
  const remove = h('button', { type: 'button', class: 'secondary' }, t('Remove this dose'));
  remove.addEventListener('click', async () => {
    if (remove.dataset.confirm !== 'yes') {
      remove.dataset.confirm = 'yes';
      remove.textContent = t('Tap again to remove it');
      return;
    }
    try {
      await del(`/api/v1/treatments/${dose.id}`);
      actions.say(t('The dose was removed.'));
      await actions.load();
    } catch (err) {
      actions.say(describeError(err));
    }
  });
  return remove;
}

// "Nausea (mild)": a side effect with the rating given, if any.
function rated(label, severity) {
  return severity ? t('{effect} ({severity})', { effect: label, severity: severityWord(severity) }) : label;
}
