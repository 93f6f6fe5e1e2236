// The score chart: daily GAD-7 totals over severity bands, with session markers, and
// the standard GAD-7 as its own series of points. The bands come with the check-in
// form (the API's texts). Loaded with import() only on screens that show it; uPlot draws.
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { dayNumber, fromDayNumber, formatDate } from './dates.js';
import { t } from './i18n.js';
import { severityWord } from './gad7.js';

let cssLoaded = null;
function loadCss() {
  if (!cssLoaded) {
    cssLoaded = new Promise((resolve) => {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = new URL('../vendor/uplot/uPlot.min.css', import.meta.url).href;
      link.addEventListener('load', resolve);
      link.addEventListener('error', resolve);
      document.head.append(link);
    });
  }
  return cssLoaded;
}

function colours() {
  const style = getComputedStyle(document.documentElement);
  const v = (name) => style.getPropertyValue(name).trim();
  return {
    text: v('--chart-text'),
    grid: v('--chart-grid'),
    line: v('--chart-line'),
    point: v('--chart-point'),
    bands: {
      minimal: v('--band-minimal'),
      mild: v('--band-mild'),
      moderate: v('--band-moderate'),
      severe: v('--band-severe'),
    },
    standard: v('--marker-standard') || v('--chart-line'),
    bandText: v('--chart-band-text'),
    session: v('--marker-session'),
    planned: v('--marker-planned'),
    baseline: v('--marker-baseline'),
    threshold: v('--marker-threshold'),
    wearOff: v('--marker-wearoff'),
    suggested: v('--marker-suggested'),
    forecastBand: v('--forecast-band'),
    fontPx: parseFloat(style.fontSize) || 16,
  };
}

// The axis's days in the language shown ("3 Dec", "3 dic"), as everywhere else.
const label = (n) => formatDate(fromDayNumber(n));

/**
 * host: an empty element. spec: {from, to (local dates), days: [{date, score}],
 * standard?: [{date, score}] (the standard GAD-7), bands: [{name, from, to}], maxScore,
 * sessions: [{date, planned}], baseline?, threshold?, wearOff? (local date),
 * band? ([first, last] local dates: the forecast's 80 % interval), suggested? (local date)}.
 */
export async function drawScoreChart(host, spec) {
  await loadCss();
  // The one state object: what is drawn (the series, fixed) and the plot drawn last.
  const state = { host, spec, ...chartData(spec), plot: null };
  const build = () => {
    const opts = chartOptions(state, look(host));
    state.plot?.destroy();
    state.plot = new uPlot(opts, [state.xs, state.ys, state.standardYs], host);
  };

  build();
  let lastWidth = host.clientWidth;
  const resize = new ResizeObserver(() => {
    if (Math.abs(host.clientWidth - lastWidth) < 2) return;
    lastWidth = host.clientWidth;
    build();
  });
  resize.observe(host);
  const scheme = matchMedia('(prefers-color-scheme: dark)');
  scheme.addEventListener('change', build);

  return {
    destroy() {
      resize.disconnect();
      scheme.removeEventListener('change', build);
      state.plot?.destroy();
      state.plot = null;
    },
  };
}

// One point a day from spec.from to spec.to (null where there is no score), and the sessions in range.
function chartData(spec) {
  const x0 = dayNumber(spec.from);
  const x1 = dayNumber(spec.to);
  const byDay = new Map(spec.days.filter((d) => d.score != null).map((d) => [dayNumber(d.date), d.score]));
  const standardByDay = new Map((spec.standard || []).map((d) => [dayNumber(d.date), d.score]));
  const xs = [];
  const ys = [];
  const standardYs = [];
  for (let x = x0; x <= x1; x += 1) {
    xs.push(x);
    ys.push(byDay.has(x) ? byDay.get(x) : null);
    standardYs.push(standardByDay.has(x) ? standardByDay.get(x) : null);
  }
  const sessions = spec.sessions
    .map((s) => ({ x: dayNumber(s.date), planned: s.planned }))
    .filter((s) => s.x >= x0 && s.x <= x1);
  return { x0, x1, xs, ys, standardYs, sessions };
}

// The colours, type and size of this drawing, read again at each build (resize, dark mode).
function look(host) {
  const c = colours();
  const fontSize = Math.round(c.fontPx * 0.8);
  const width = Math.max(host.clientWidth, 240);
  return {
    c,
    px: devicePixelRatio || 1,
    fontSize,
    font: `${fontSize}px system-ui, sans-serif`,
    width,
    height: Math.round(Math.min(Math.max(width * 0.55, 220), 340) + fontSize * 2),
  };
}

function chartOptions(state, lk) {
  const { spec, x0, x1 } = state;
  const { c } = lk;
  return {
    width: lk.width,
    height: lk.height,
    legend: { show: false },
    cursor: {
      show: !!spec.onHover,
      y: false,
      drag: { x: false, y: false, setScale: false },
      points: { size: 11, width: 2, stroke: c.line, fill: c.point },
    },
    scales: {
      x: { time: false, range: [x0 - 0.5, x1 + 0.5] },
      y: { range: [0, spec.maxScore] },
    },
    series: chartSeries(c),
    axes: chartAxes(lk),
    hooks: chartHooks(state, lk),
  };
}

function chartSeries(c) {
  return [
    {},
    {
      label: t('Score'),
      stroke: c.line,
      width: 2,
      spanGaps: true,
      points: { show: true, size: 7, width: 2, stroke: c.line, fill: c.point },
    },
    {
      label: t('Standard GAD-7'),
      stroke: c.standard,
      paths: () => null,
      points: { show: true, size: 13, width: 3, stroke: c.standard, fill: c.point },
    },
  ];
}

function chartAxes({ c, font, fontSize }) {
  return [
    {
      stroke: c.text,
      font,
      grid: { stroke: c.grid, width: 1 },
      ticks: { stroke: c.grid, width: 1 },
      incrs: [1, 2, 7, 14, 28, 56, 91],
      space: fontSize * 5,
      values: (_u, splits) => splits.map(label),
      size: fontSize * 3,
    },
    {
      stroke: c.text,
      font,
      grid: { stroke: c.grid, width: 1 },
      ticks: { stroke: c.grid, width: 1 },
      splits: () => [0, 5, 10, 15, 21],
      size: fontSize * 3,
    },
  ];
}

function chartHooks(state, lk) {
  const { spec, xs, ys } = state;
  return {
    // A tap or click on a day hands its date to spec.onPick (the timeline opens that day).
    ready: [
      (u) => {
        if (!spec.onPick) return;
        u.over.addEventListener('click', () => {
          const i = u.cursor.idx;
          if (i != null) spec.onPick(fromDayNumber(xs[i]));
        });
      },
    ],
    setCursor: [
      (u) => {
        if (!spec.onHover) return;
        const i = u.cursor.idx;
        spec.onHover(i == null ? null : { date: fromDayNumber(xs[i]), score: ys[i] });
      },
    ],
    drawClear: [(u) => drawBands(u, state, lk), (u) => drawBandLabels(u, state, lk)],
    draw: [(u) => drawMarkers(u, state, lk)],
  };
}

// Behind the scores: the severity bands with their names, and the forecast's 80 % interval.
function drawBands(u, { spec, x0, x1 }, { c }) {
  const BANDS = spec.bands;
  const { ctx, bbox } = u;
  ctx.save();
  for (const band of BANDS) {
    const top = u.valToPos(band === BANDS[BANDS.length - 1] ? spec.maxScore : band.to + 0.5, 'y', true);
    const bottom = u.valToPos(band.from === 0 ? 0 : band.from - 0.5, 'y', true);
    ctx.fillStyle = c.bands[band.name];
    ctx.fillRect(bbox.left, top, bbox.width, bottom - top);
  }
  if (spec.band) {
    // the forecast's 80 % interval, behind the scores
    const left = u.valToPos(Math.max(dayNumber(spec.band[0]), x0) - 0.5, 'x', true);
    const right = u.valToPos(Math.min(dayNumber(spec.band[1]), x1) + 0.5, 'x', true);
    if (right > left) {
      ctx.fillStyle = c.forecastBand;
      ctx.fillRect(left, bbox.top, right - left, bbox.height);
    }
  }
  ctx.restore();
}

// The bands' names, behind the scores, where the baseline and threshold lines (drawn later,
// over everything) do not run: at the top of the band, else halfway, else at its foot.
function drawBandLabels(u, { spec }, { c, px, fontSize }) {
  const { ctx, bbox } = u;
  const BANDS = spec.bands;
  const lines = [spec.baseline, spec.threshold]
    .filter((v) => v != null)
    .map((v) => Math.round(u.valToPos(v, 'y', true)) + 0.5);
  const h = (fontSize + 4) * px;
  const clear = (y) => lines.every((l) => l < y - 2 * px || l > y + h + 2 * px);
  ctx.save();
  ctx.font = `${fontSize * px}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left'; // uPlot leaves the axes' alignment on the context
  for (const band of BANDS) {
    const top = u.valToPos(band === BANDS[BANDS.length - 1] ? spec.maxScore : band.to + 0.5, 'y', true);
    const bottom = u.valToPos(band.from === 0 ? 0 : band.from - 0.5, 'y', true);
    const y = [top + 2 * px, (top + bottom - h) / 2, bottom - h - 2 * px].find(clear) ?? top + 2 * px;
    ctx.fillStyle = c.bandText;
    ctx.fillText(severityWord(band.name), bbox.left + 6 * px, y + 2 * px);
  }
  ctx.restore();
}

// Over the scores: sessions, the predicted wear-off, the suggested session, baseline and threshold.
function drawMarkers(u, { spec, x0, x1, sessions }, { c, px }) {
  const inRange = (x) => x >= x0 && x <= x1;
  for (const s of sessions) vline(u, px, s.x, s.planned ? c.planned : c.session, s.planned ? [6, 4] : []);
  if (spec.wearOff && inRange(dayNumber(spec.wearOff)))
    vline(u, px, dayNumber(spec.wearOff), c.wearOff, [2, 3]);
  if (spec.suggested && inRange(dayNumber(spec.suggested)))
    vline(u, px, dayNumber(spec.suggested), c.suggested, [7, 3]);
  if (spec.baseline != null) hline(u, px, spec.baseline, c.baseline, [8, 5]);
  if (spec.threshold != null) hline(u, px, spec.threshold, c.threshold, [3, 3]);
}

function vline(u, px, x, colour, dash) {
  const pos = Math.round(u.valToPos(x, 'x', true)) + 0.5;
  stroke(u, px, colour, dash, [pos, u.bbox.top], [pos, u.bbox.top + u.bbox.height]);
}

function hline(u, px, y, colour, dash) {
  const pos = Math.round(u.valToPos(y, 'y', true)) + 0.5;
  stroke(u, px, colour, dash, [u.bbox.left, pos], [u.bbox.left + u.bbox.width, pos]);
}

function stroke(u, px, colour, dash, [fromX, fromY], [toX, toY]) {
  const { ctx } = u;
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2 * px;
  ctx.setLineDash(dash.map((d) => d * px));
  ctx.beginPath();
  ctx.moveTo(fromX, fromY);
  ctx.lineTo(toX, toY);
  ctx.stroke();
  ctx.restore();
}
