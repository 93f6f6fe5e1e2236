// Sessions: past and planned treatment sessions, and recording a self-administered dose.
import { get, del, describeError, NetworkError } from '../api.js';
import { h, clear, focusQuietly } from '../dom.js';
import { ROUTE_LABEL } from '../labels.js';
import { loadForm, sideEffectLabels } from '../gad7.js';
import { formatDateTime, toDateTimeLocalValue } from '../dates.js';
import { sessionForm } from '../sessionform.js';

export async function render(ctx) {
  const { user } = ctx;
  const texts = await loadForm('daily');
  const SIDE_EFFECT_LABEL = sideEffectLabels(texts);
  const status = h('div', { role: 'status', class: 'status' });
  const upcomingSlot = h('div', {});
  const pastSlot = h('div', {});

  const form = sessionForm({
    url: '/api/v1/patients/me/treatments',
    submitLabel: 'Save dose',
    submitClass: 'primary wide',
    defaultRoute: 'intranasal',
    defaultNow: true,
    effectsLegend: 'Side effects you noticed (optional)',
    sideEffects: texts.side_effects,
    timeZone: user.timezone,
    onSaved: async (saved, fields) => {
      status.textContent = `Your dose on ${formatDateTime(saved.starts_at, user.timezone)} is saved.`;
      fields.parts.when.input.value = toDateTimeLocalValue(new Date(), user.timezone);
      focusQuietly(status);
      await load();
    },
  });

  ctx.main.append(
    h(
      'section',
      { class: 'page' },
      h('h1', {}, 'Sessions'),
      status,
      h('h2', {}, 'Planned'),
      upcomingSlot,
      h('h2', {}, 'Past sessions'),
      pastSlot,
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
    ),
  );

  await load();

  async function load() {
    let items;
    try {
      ({ items } = await get('/api/v1/patients/me/treatments'));
    } catch (err) {
      if (!ctx.isCurrent()) return;
      const text =
        err instanceof NetworkError
          ? 'You are offline. Your sessions will show when you are back online.'
          : describeError(err);
      clear(upcomingSlot).append(h('p', { class: 'notice' }, text));
      clear(pastSlot);
      return;
    }
    if (!ctx.isCurrent()) return;
    const planned = items.filter((t) => t.status === 'planned');
    const past = items.filter((t) => t.status !== 'planned').reverse();
    clear(upcomingSlot).append(
      planned.length
        ? h(
            'ul',
            { class: 'session-list' },
            planned.map((t) => h('li', {}, sessionCard(t))),
          )
        : h('p', {}, 'No sessions planned yet. Your clinic adds them here when they are booked.'),
    );
    clear(pastSlot).append(
      past.length
        ? h(
            'ul',
            { class: 'session-list' },
            past.map((t) => h('li', {}, sessionCard(t))),
          )
        : h('p', {}, 'No sessions yet.'),
    );
  }

  function sessionCard(t) {
    const mine = t.recorded_by?.role === 'patient';
    const card = h(
      'article',
      { class: 'card session' },
      h('h3', {}, formatDateTime(t.starts_at, user.timezone)),
      h(
        'p',
        {},
        [ROUTE_LABEL[t.route] || t.route, t.dose_mg ? `${t.dose_mg} mg` : null].filter(Boolean).join(' · '),
      ),
      h('p', { class: 'hint' }, mine ? 'Recorded by you' : 'Recorded by your clinic'),
      t.side_effects?.length
        ? h('p', {}, `Side effects: ${t.side_effects.map((s) => SIDE_EFFECT_LABEL[s] || s).join(', ')}`)
        : null,
      t.notes ? h('p', { class: 'note' }, t.notes) : null,
    );
    if (mine) {
      const remove = h('button', { type: 'button', class: 'secondary' }, 'Remove this dose');
      remove.addEventListener('click', async () => {
        if (remove.dataset.confirm !== 'yes') {
          remove.dataset.confirm = 'yes';
          remove.textContent = 'Tap again to remove it';
          return;
        }
        try {
          await del(`/api/v1/treatments/${t.id}`);
          status.textContent = 'The dose was removed.';
          await load();
        } catch (err) {
          status.textContent = describeError(err);
        }
      });
      card.append(remove);
    }
    return card;
  }
}
