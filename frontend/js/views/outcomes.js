// The clinic's outcomes: response after induction, how long relief lasts (Kaplan-Meier),
// and the share of maintenance sessions given before the wear-off, month by month.
import { get, describeError } from '../api.js';
import { h, clear, field } from '../dom.js';
import { localDate, addDays, formatDate } from '../dates.js';
import { COURSE_LABEL } from '../labels.js';
import { t, tn, formatNumber, locale } from '../i18n.js';
import { ROUTE_SHORT } from '../routes.js';

const SVG = 'http://www.w3.org/2000/svg';

export async function render(ctx) {
  const today = localDate(new Date());
  const from = field({ label: t('From'), name: 'from', type: 'date', value: addDays(today, -364) });
  const to = field({ label: t('To'), name: 'to', type: 'date', value: today });
  const show = h('button', { type: 'submit', class: 'secondary' }, t('Show'));
  const download = h('a', {}, t('Download the figures (CSV)'));
  const status = h('div', { role: 'status', class: 'status' });
  const slot = h('div', {});
  const form = h('form', { class: 'period', novalidate: true }, from.wrap, to.wrap, show);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });

  ctx.main.append(
    h(
      'section',
      { class: 'page wide outcomes' },
      h('h1', {}, t('Outcomes')),
      h(
        'p',
        { class: 'lead' },
        t(
          "Your care team's patients, for courses that started in the period. Counted from the daily scores; an aid to judgement, not a validated measure.",
        ),
      ),
      form,
      h('p', {}, download),
      status,
      slot,
    ),
  );
  await load();

  async function load() {
    const query = new URLSearchParams({ from: from.input.value, to: to.input.value });
    download.setAttribute('href', `/api/v1/outcomes.csv?${query}`);
    download.setAttribute('download', `outcomes-${from.input.value}-${to.input.value}.csv`);
    let data;
    try {
      data = await get(`/api/v1/outcomes?${query}`);
    } catch (err) {
      if (ctx.isCurrent()) status.textContent = describeError(err);
      return;
    }
    if (!ctx.isCurrent()) return;
    status.textContent = t('Outcomes from {from} to {to}.', {
      from: formatDate(data.from, { year: true }),
      to: formatDate(data.to, { year: true }),
    });
    clear(slot).append(
      responseSection(data.response_after_induction),
      curveSection(
        'by-type',
        t('How long relief lasts, by course type'),
        data.relief_duration.by_course_type,
        COURSE_LABEL,
      ),
      curveSection(
        'by-route',
        t('How long relief lasts, by route'),
        data.relief_duration.by_route,
        ROUTE_SHORT,
      ),
      timingSection(data.maintenance_timing),
    );
  }
}

function pct(x) {
  return x == null ? '—' : `${formatNumber(Math.round(x * 100))} %`;
}

function responseSection(r) {
  const day = r.fixed_day ?? 7;
  const row = (label, fixed, best) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, label),
      h('td', {}, formatNumber(fixed ?? 0)),
      h('td', {}, formatNumber(best ?? 0)),
    );
  return h(
    'section',
    { 'aria-labelledby': 'response-title', class: 'card' },
    h('h2', { id: 'response-title' }, t('Response after induction')),
    h(
      'div',
      { class: 'response-figures' },
      h(
        'p',
        { class: 'response-figure' },
        h('span', { class: 'big-figure' }, pct(r.response_rate_at_fixed_day)),
        ' ',
        t('on day {day} after the course', { day }),
      ),
      h(
        'p',
        { class: 'response-figure' },
        h('span', { class: 'big-figure' }, pct(r.response_rate)),
        ' ',
        t('at the best level reached'),
      ),
    ),
    h('p', {}, t('Induction courses: {n}', { n: formatNumber(r.courses) })),
    h(
      'table',
      { class: 'compact' },
      h('caption', { class: 'visually-hidden' }, t('Induction courses by response')),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('td', {}),
          h('th', { scope: 'col' }, t('Day {day}', { day })),
          h('th', { scope: 'col' }, t('Best level')),
        ),
      ),
      h(
        'tbody',
        {},
        row(t('Responded'), r.responders_at_fixed_day, r.responders),
        row(t('Did not respond'), r.non_responders_at_fixed_day, r.non_responders),
        row(t('Too little data to judge'), r.not_assessable_at_fixed_day, r.not_assessable),
      ),
    ),
    h(
      'p',
      { class: 'hint' },
      t(
        "A response: a score at least 4 points and at least half below the baseline. On day {day}: the one real daily score of day {day} after the course's last session (day {before} or {after} if that day has none), as trials judge response at fixed times after dosing. At the best level: the lowest median of up to 7 scores over the whole cycle, which flatters (the best of many noisy days). A course judged a non-response counts as one in both. Both rates leave out courses with too little data.",
        { day, before: day - 1, after: day + 1 },
      ),
    ),
  );
}

function curveSection(id, title, groups, labels) {
  const section = h('section', { 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title));
  if (!groups.length) {
    section.append(h('p', {}, t('No treatment cycles in this period.')));
    return section;
  }
  const name = (g) => labels[g.group] || g.group;
  const summary = groups
    .map((g) =>
      g.median_days == null
        ? tn('{group}: {n} cycle, median not reached', '{group}: {n} cycles, median not reached', g.cycles, {
            group: name(g),
          })
        : tn('{group}: {n} cycle, median {days} days', '{group}: {n} cycles, median {days} days', g.cycles, {
            group: name(g),
            days: formatNumber(g.median_days),
          }),
    )
    .join('; ');
  section.append(
    h(
      'figure',
      { class: 'km' },
      h(
        'figcaption',
        {},
        t('{title}: share of cycles still in relief, by days after the last session of the course', {
          title,
        }),
      ),
      kmChart(groups, t('{title}. {summary}.', { title, summary })),
      h(
        'ul',
        { class: 'chart-key' },
        groups.map((g, i) => h('li', {}, keyLine(i), name(g), overlapNote(groups, i, name))),
      ),
    ),
    h(
      'div',
      {
        class: 'table-wrap',
        tabindex: '0',
        role: 'region',
        'aria-label': t('{title}, as a table', { title }),
      },
      h(
        'table',
        { class: 'compact' },
        h('caption', { class: 'visually-hidden' }, t('{title}, as a table', { title })),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [
              t('Group'),
              t('Cycles'),
              t('Wore off'),
              t('Censored'),
              t('Median days to the detected wear-off'),
            ].map((heading) => h('th', { scope: 'col' }, heading)),
          ),
        ),
        h(
          'tbody',
          {},
          groups.map((g) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, name(g)),
              h('td', {}, formatNumber(g.cycles)),
              h('td', {}, formatNumber(g.wore_off)),
              h('td', {}, formatNumber(g.censored)),
              h('td', {}, g.median_days == null ? t('not reached') : formatNumber(g.median_days)),
            ),
          ),
        ),
      ),
    ),
    h(
      'p',
      { class: 'hint' },
      t(
        'Days run from the last session of the course to the day the wear-off was detected, so they include the few days the rule needs to confirm it: relief itself faded a little earlier. Censored: the next course began before relief wore off, or relief continues today. They count as at risk until then (Kaplan-Meier).',
      ),
    ),
  );
  return section;
}

// Each curve its own colour, dash and width (wider first, drawn under the later ones), so
// curves that run together, such as two flat at 100 %, stay visible and tell apart.
const DASHES = ['', '9 5', '3 4', '12 4 3 4', '6 3', '2 2'];
const lineWidth = (i, n) => 2 + 1.5 * (n - 1 - i);

function keyLine(i) {
  return svg(
    'svg',
    { class: 'km-key-line', viewBox: '0 0 36 12', width: 36, height: 12, 'aria-hidden': 'true' },
    svg('line', {
      x1: 1,
      x2: 35,
      y1: 6,
      y2: 6,
      class: `km-line km-line-${i % 6}`,
      'stroke-dasharray': DASHES[i % DASHES.length],
      'stroke-width': 2.5,
    }),
  );
}

function curveKey(g) {
  const end = Math.max(g.steps[g.steps.length - 1].day, g.longest_days || 0);
  return JSON.stringify([g.steps.map((s) => [s.day, s.survival]), end]);
}

/** Words for a curve the eye may miss: one that lies on an earlier one, or never leaves 100 %. */
function overlapNote(groups, i, name) {
  const same = groups.slice(0, i).find((g) => curveKey(g) === curveKey(groups[i]));
  if (same) return [' ', t('(same curve as {group}: drawn over it, dashed)', { group: name(same) })];
  if (groups[i].steps.length === 1 && groups.length > 1) return [' ', t('(no wear-off: stays at 100 %)')];
  return '';
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// Step curves in SVG: survival 1 → 0 on the y axis, days after the course's last session on x.
function kmChart(groups, label) {
  // Drawn at about the width it shows at, so its 12 px labels stay readable on a phone.
  const W = Math.round(Math.min(640, Math.max(300, document.documentElement.clientWidth - 48)));
  const H = W < 480 ? 240 : 280;
  const L = 44;
  const R = 12;
  const T = 12;
  const B = 36;
  const maxDay = Math.max(
    7,
    ...groups.flatMap((g) => g.steps.map((s) => s.day)),
    ...groups.map((g) => g.longest_days || 0),
  );
  const x = (d) => L + (d / maxDay) * (W - L - R);
  const y = (s) => T + (1 - s) * (H - T - B);
  const root = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': label,
    class: 'km-chart',
    preserveAspectRatio: 'xMidYMid meet',
  });
  for (const s of [0, 0.25, 0.5, 0.75, 1]) {
    root.append(
      svg('line', { x1: L, x2: W - R, y1: y(s), y2: y(s), class: s === 0.5 ? 'km-grid km-half' : 'km-grid' }),
    );
    root.append(
      svg(
        'text',
        { x: L - 6, y: y(s) + 4, 'text-anchor': 'end', class: 'km-text' },
        formatNumber(s, { style: 'percent' }),
      ),
    );
  }
  const tick = maxDay > 60 ? 14 : 7;
  for (let d = 0; d <= maxDay; d += tick) {
    root.append(
      svg('text', { x: x(d), y: H - B + 18, 'text-anchor': 'middle', class: 'km-text' }, formatNumber(d)),
    );
  }
  root.append(
    svg(
      'text',
      { x: (L + W - R) / 2, y: H - 4, 'text-anchor': 'middle', class: 'km-text' },
      t('days after the last session'),
    ),
  );
  groups.forEach((g, i) => {
    let d = `M ${x(0)} ${y(1)}`;
    for (const s of g.steps.slice(1)) d += ` H ${x(s.day)} V ${y(s.survival)}`;
    const end = Math.max(g.steps[g.steps.length - 1].day, g.longest_days || 0);
    d += ` H ${x(end)}`;
    root.append(
      svg('path', {
        d,
        class: `km-line km-line-${i % 6}`,
        fill: 'none',
        'stroke-dasharray': DASHES[i % DASHES.length],
        'stroke-width': lineWidth(i, groups.length),
      }),
    );
  });
  return root;
}

function timingSection(months) {
  const section = h(
    'section',
    { 'aria-labelledby': 'timing-title' },
    h('h2', { id: 'timing-title' }, t('Maintenance sessions before the wear-off')),
    h(
      'p',
      { class: 'hint' },
      t(
        'Of the maintenance courses started each month, how many began while the previous relief still held. Neither high nor low is better in itself: a high share may mean good timing, or more frequent dosing than needed (ketamine is a controlled drug; bladder harm and tolerance grow with use); a low share, that patients fell back before the next session.',
      ),
    ),
  );
  if (!months.length) {
    section.append(h('p', {}, t('No maintenance courses in this period.')));
    return section;
  }
  section.append(
    h(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('Maintenance timing by month') },
      h(
        'table',
        { class: 'compact timing' },
        h(
          'caption',
          { class: 'visually-hidden' },
          t('Maintenance sessions before and after the wear-off, by month'),
        ),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [t('Month'), t('Before the wear-off'), t('After it'), t('Share before')].map((heading) =>
              h('th', { scope: 'col' }, heading),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          months.map((m) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, monthName(m.month)),
              h('td', {}, formatNumber(m.before_wear_off)),
              h('td', {}, formatNumber(m.after_wear_off)),
              h(
                'td',
                {},
                h('meter', { min: '0', max: '1', value: String(m.share_before), 'aria-hidden': 'true' }),
                ` ${pct(m.share_before)}`,
              ),
            ),
          ),
        ),
      ),
    ),
  );
  return section;
}

function monthName(ym) {
  const [y, m] = ym.split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 1)),
  );
}
