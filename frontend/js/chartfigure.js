// A chart in a <figure>: a caption, a text summary for screen readers, a key,
// and the numbers as a table. The drawing library is loaded only now.
import { h } from './dom.js';
import { formatDate } from './dates.js';
import { t, tn, formatNumber } from './i18n.js';
import { severityWord } from './gad7.js';

export function chartFigure({ title, summary, spec, key, extraRows = [], pickHint = null }) {
  const host = h(
    'div',
    { class: 'chart-host', role: 'img', 'aria-label': summary },
    h('p', { class: 'chart-loading' }, t('Loading the chart…')),
  );
  const rows = [...spec.days.filter((d) => d.score != null), ...extraRows]
    .sort((a, b) => a.date.localeCompare(b.date) || (a.label ? 1 : -1))
    .reverse();
  // Pointer readout for sighted mouse and touch users; the table below carries the same numbers.
  const readout = h(
    'p',
    { class: 'chart-readout', 'aria-hidden': 'true' },
    pickHint || t('Point at or tap the chart to see one day.'),
  );
  const figure = h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, title),
    host,
    readout,
    chartKey(key),
    rows.length ? scoreTable(title, rows) : null,
  );
  // The one state object: the drawing's handle once it is there, and whether the figure was let go.
  const state = { handle: null, disposed: false };
  drawChart(state, host, { ...spec, onHover: hoverReadout(spec, readout) });
  return {
    element: figure,
    dispose() {
      state.disposed = true;
      state.handle?.destroy();
    },
  };
}

// A day's range in words, not its code.
function bandName(row) {
  return row.severity ? severityWord(row.severity) : '';
}

function scoreTable(title, rows) {
  return h(
    'details',
    { class: 'chart-data' },
    h('summary', {}, t('Show the scores as a list')),
    h(
      'table',
      { class: 'compact' },
      h('caption', { class: 'visually-hidden' }, t('{title}: scores by day', { title })),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('Day')),
          h('th', { scope: 'col' }, t('Score')),
          h('th', { scope: 'col' }, t('Range')),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((d) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, formatDate(d.date, { weekday: true })),
            h(
              'td',
              {},
              d.label
                ? t('{score} ({label})', { score: formatNumber(d.score), label: d.label })
                : formatNumber(d.score),
            ),
            h('td', {}, bandName(d)),
          ),
        ),
      ),
    ),
  );
}

function chartKey(key) {
  return h(
    'ul',
    { class: 'chart-key' },
    key.map(([kind, text]) =>
      h('li', {}, h('span', { class: `swatch swatch-${kind}`, 'aria-hidden': 'true' }), text),
    ),
  );
}

// The day under the pointer, in words: its score and band, or that there was no check-in.
function hoverReadout(spec, readout) {
  const sessionDays = new Set(spec.sessions.map((s) => s.date));
  return (point) => {
    if (!point) return;
    const day = formatDate(point.date, { weekday: true });
    const session = sessionDays.has(point.date);
    const band = spec.bands.find((b) => point.score >= b.from && point.score <= b.to);
    const score = point.score == null ? null : formatNumber(point.score);
    if (score == null)
      readout.textContent = session
        ? t('{day}: no check-in · session day', { day })
        : t('{day}: no check-in', { day });
    else
      readout.textContent = session
        ? t('{day}: {score} ({band}) · session day', { day, score, band: severityWord(band?.name) })
        : t('{day}: {score} ({band})', { day, score, band: severityWord(band?.name) });
  };
}

// The drawing library is loaded only now; a figure disposed of meanwhile is not drawn.
function drawChart(state, host, spec) {
  import('./chart.js')
    .then((m) => {
      if (state.disposed) return null;
      host.replaceChildren();
      return m.drawScoreChart(host, spec);
    })
    .then((hd) => {
      if (state.disposed) hd?.destroy();
      else state.handle = hd;
    })
    .catch(() => {
      host.replaceChildren(
        h(
          'p',
          { class: 'chart-loading' },
          t('The chart could not be shown. It needs a connection the first time you open it.'),
        ),
      );
    });
}

export function summarise(days, from, to) {
  const scored = days.filter((d) => d.score != null);
  if (!scored.length)
    return t('No scores between {from} and {to}.', { from: formatDate(from), to: formatDate(to) });
  const last = scored[scored.length - 1];
  const min = Math.min(...scored.map((d) => d.score));
  const max = Math.max(...scored.map((d) => d.score));
  return tn(
    'Daily scores from {from} to {to}: {n} day with a score, lowest {min}, highest {max}, latest {latest} on {day}.',
    'Daily scores from {from} to {to}: {n} days with a score, lowest {min}, highest {max}, latest {latest} on {day}.',
    scored.length,
    {
      from: formatDate(from),
      to: formatDate(to),
      min: formatNumber(min),
      max: formatNumber(max),
      latest: formatNumber(last.score),
      day: formatDate(last.date),
    },
  );
}
