// A patient's timeline for the care team: flags, relief assessment, chart, notes, days and
// sessions. This module keeps the one state object, loads the patient's data into it and
// draws the sections, each a function of (state, actions) in a module beside this one.
import { get, ApiError, describeError } from '../../api.js';
import { h, clear, focusQuietly, rangePicker } from '../../dom.js';
import { localDate, addDays, deviceTimeZone, zoneAbbreviation } from '../../dates.js';
import { STATUS_LABEL } from '../../labels.js';
import { loadForm } from '../../gad7.js';
import { timelinePage } from './page.js';
import { flagsSection } from './flags.js';
import { careStatus } from './care.js';
import { assessmentFacts } from './assessment.js';
import { scoreChart } from './scores.js';
import { notesList, dayList, openDay } from './days.js';
import { sessionsTable } from './sessions.js';
import { recordForm, baselineForm } from './forms.js';
import { homeDoseForm } from './homedoses.js';
import { t } from '../../i18n.js';

const RANGES = [30, 90, 180];

export async function render(ctx) {
  const pid = decodeURIComponent(ctx.params[0]);
  const ranges = rangePicker({ days: RANGES, key: 'timeline-range', fallback: 90, onChange: () => load() });
  // The texts of both instruments (the API's): the day view shows each entry's answers in its own instrument's words.
  const [texts, standardTexts] = await Promise.all([loadForm('daily'), loadForm('gad7')]);
  const state = {
    base: `/api/v1/patients/${encodeURIComponent(pid)}`,
    viewerZone: deviceTimeZone(),
    texts,
    forms: { [texts.instrument]: texts, [standardTexts.instrument]: standardTexts },
    rangeDays: ranges.value(),
    from: null, // the range shown, in the patient's local dates
    today: null,
    data: null, // the timeline: patient, assessment, flags, daily and standard scores
    treatments: [],
    entries: [],
    chart: null,
  };
  const status = h('div', { role: 'status', class: 'status' });
  const actions = {
    load,
    say: (text) => {
      status.textContent = text;
    },
    focusStatus: () => focusQuietly(status),
    openDay: (date) => openDay(page.slots.days, date),
  };
  const baseline = baselineForm(state, actions);
  const homeDoses = homeDoseForm(state, actions);
  const page = timelinePage({
    base: state.base,
    status,
    rangeBar: ranges.element,
    baseline: baseline.element,
    homeDoses: homeDoses.element,
  });
  ctx.main.append(page.element);

  await load();

  async function load() {
    const today = localDate(new Date(), state.data?.patient?.timezone);
    const from = addDays(today, -(ranges.value() - 1));
    try {
      const [timeline, treatments, entries] = await Promise.all([
        get(`${state.base}/timeline?from=${from}&to=${today}`),
        get(`${state.base}/treatments`),
        get(`${state.base}/entries?from=${from}&to=${today}`),
      ]);
      Object.assign(state, { data: timeline, treatments: treatments.items, entries: entries.items });
    } catch (err) {
      if (ctx.isCurrent()) showProblem(err, page, ctx, actions);
      return;
    }
    if (!ctx.isCurrent()) return;
    const patient = state.data.patient;
    Object.assign(state, { from, today: localDate(new Date(), patient.timezone), rangeDays: ranges.value() });
    drawHeading(state, page.slots, ctx);
    drawSections(state, page.slots, actions);
    if (!page.slots.record.firstChild) page.slots.record.append(recordForm(state, actions));
    baseline.set(patient.intake_baseline);
    homeDoses.set(patient.home_dose_schedule);
    page.slots.mailNotice.hidden = !patient.email_reminders_failing;
  }

  return () => state.chart?.dispose();
}

function showProblem(err, page, ctx, actions) {
  if (err instanceof ApiError && err.status === 404) {
    page.slots.heading.textContent = t('Patient not found');
    page.slots.lead.textContent = t('This patient does not exist or is not on your care team.');
    ctx.main.querySelector('.columns')?.remove();
    return;
  }
  actions.say(describeError(err));
}

function drawHeading(state, slots, ctx) {
  const { patient, assessment } = state.data;
  slots.heading.textContent = patient.name;
  ctx.setTitle(patient.name);
  const zone = `${patient.timezone.replaceAll('_', ' ')} (${zoneAbbreviation(new Date().toISOString(), patient.timezone)})`;
  const times = t("Times are the patient's: {zone}", { zone });
  slots.lead.textContent = assessment?.status ? `${STATUS_LABEL[assessment.status] || ''} · ${times}` : times;
}

function drawSections(state, slots, actions) {
  clear(slots.care).append(...careStatus(state, actions).filter(Boolean));
  clear(slots.flags).append(...flagsSection(state, actions));
  clear(slots.assessment).append(...assessmentFacts(state));
  state.chart?.dispose();
  state.chart = scoreChart(state, actions);
  clear(slots.chart).append(state.chart.element);
  clear(slots.sessions).append(sessionsTable(state, actions));
  clear(slots.notes).append(notesList(state));
  clear(slots.days).append(dayList(state));
}
