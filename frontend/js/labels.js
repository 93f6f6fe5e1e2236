// Words for the provider screens, in the language shown when they are read (docs/i18n.md).
import { t, tn, formatNumber, locale, wordsTable } from './i18n.js';

export const STATUS_LABEL = wordsTable(() => ({
  no_treatment: t('No session yet'),
  awaiting_response: t('Awaiting response'),
  relief: t('Relief'),
  wearing_off: t('Wearing off'),
  non_response: t('No response'),
}));

export const FLAG_LABEL = wordsTable(() => ({
  safety: t('Safety answer'),
  urgent: t('Urgent'),
  side_effect: t('Side effect or extra dose'),
  wearing_off: t('Wearing off'),
  data_gap: t('No recent check-ins'),
  plan_maintenance: t('Plan maintenance'),
  non_response: t('No response'),
}));

export const BASIS_LABEL = wordsTable(() => ({
  history: t('from earlier cycles'),
  trend: t('from the current trend'),
  prior: t('a general estimate'),
}));

// What the worklist's forecast rests on (the relief engine's prediction_basis), in a few words.
export const BASIS_TAG = wordsTable(() => ({
  history: t('from their past cycles'),
  trend: t('scores rising now'),
  prior: t('from the clinic’s other patients'),
}));

// The server's session_due (diary/monitoring/evaluation.py): overdue is judged in the patient's own today.
export const DUE_LABEL = wordsTable(() => ({
  overdue: t('overdue: nothing booked'),
  booked_after_wear_off: t('booked after the predicted wear-off'),
}));

// Why a flag closed (the API's resolution), in plain words.
export const RESOLUTION_LABEL = wordsTable(() => ({
  new_cycle: t('closed when a new course of sessions began'),
  logging_resumed: t('closed when check-ins started again'),
  superseded: t('closed: a newer flag took its place'),
  withdrawn: t('withdrawn: the changed data no longer raise it'),
  discharged: t('closed when the patient was discharged'),
}));

export const NOTICE_LABEL = wordsTable(() => ({
  no_baseline: t('No baseline: too few scores before the first session and no intake score.'),
  baseline_from_intake: t('Baseline from an intake score: too few daily check-ins before treatment.'),
  baseline_from_course: t('Baseline from the daily check-ins before this course.'),
}));

/** Under a list that shows an urgent flag: what urgent means, and what it does not. */
export function urgentDisclaimer() {
  return t(
    'Urgent is not a risk assessment: the GAD-7 has no suicide item. It means anxiety scores are severe, or clearly worse than before treatment. Check on risk in your usual way.',
  );
}

/** Beside a flag that is not a safety screen. */
export function safetySentence() {
  return t(
    'Not a risk assessment, nor a safety screen: the GAD-7 asks nothing about suicide or self-harm. Check on risk in your usual way.',
  );
}

/** A flag's name wherever it is shown (worklist tags, cards, lists): urgent says what it is not. */
export function flagLabel(kind) {
  if (kind === 'urgent') return t('Urgent (not a risk assessment)');
  return FLAG_LABEL[kind] || String(kind).replaceAll('_', ' ');
}

// Where the relief engine's baseline comes from (the assessment's baseline_source, docs/relief.md).
export const BASELINE_SOURCE_LABEL = wordsTable(() => ({
  daily_run_in: t('from the daily check-ins before treatment'),
  intake: t('from the intake score the care team entered'),
  daily_before_course: t('from the daily check-ins before this course'),
  gad7: t('from a standard GAD-7 before treatment'),
}));

// Notices the baseline's source already says (shown with the baseline instead).
export const BASELINE_NOTICES = ['baseline_from_intake', 'baseline_from_course'];

/** The baseline with where it comes from, e.g. "16 (from the daily check-ins before treatment)". */
export function baselineText(baseline, source) {
  if (baseline == null) return null;
  const from = BASELINE_SOURCE_LABEL[source];
  // TRANSLATORS: a baseline score, then where it comes from, e.g. "16 (from the daily check-ins before treatment)".
  return from ? t('{baseline} ({source})', { baseline: num(baseline), source: from }) : num(baseline);
}

export const PRODUCT_LABEL = wordsTable(() => ({
  racemic_ketamine: t('Racemic ketamine'),
  esketamine: t('Esketamine'),
}));

// Kinds of course, for the outcomes.
export const COURSE_LABEL = wordsTable(() => ({
  single_session: t('Single session'),
  induction: t('Induction'),
  maintenance: t('Maintenance'),
}));

// Side effects in clinical words, for the care team's screens.
export const SIDE_EFFECT_CLINICAL = wordsTable(() => ({
  dizziness: t('Dizziness'),
  nausea: t('Nausea'),
  blurred_vision: t('Blurred vision'),
  dissociation: t('Dissociation'),
  headache: t('Headache'),
  drowsiness: t('Drowsiness'),
  elevated_blood_pressure: t('Elevated blood pressure'),
  vomiting: t('Vomiting'),
  anxiety: t('Anxiety or panic after the dose'),
  confusion: t('Confusion or perceptual changes'),
  numbness: t('Numbness'),
  palpitations: t('Palpitations'),
  urinary: t('Urinary pain or frequency'),
  craving: t('Craving, or taking more than prescribed'),
  other: t('Other'),
}));

const BASIS_PHRASE = wordsTable(() => ({
  history: t("from this patient's earlier cycles"),
  trend: t('from the current trend of scores'),
  prior: t('from a general estimate (too little history yet)'),
}));

// What fired an urgent (its details.reasons): the severe ones, and the one that is not severe by itself.
const URGENT_SEVERE = wordsTable(() => ({
  severe_scores: t('daily scores of 15 or more (severe) on 2 of the last 3 check-ins within a week'),
  pre_treatment_severe_scores: t(
    'before the first session, daily scores of 15 or more (severe) on 2 of the last 3 check-ins within a week',
  ),
  standard_gad7_severe: t('a standard GAD-7 of 15 or more (severe)'),
}));
const URGENT_RETURNED = wordsTable(() => ({
  new_run: t('Raised again: a new run of high scores after the last urgent was acknowledged.'),
  still_going: t('Raised again: scores still high 7 days after the last urgent was acknowledged.'),
}));

/** A score or a smoothed figure, to one decimal, in the locale's digits (16,5 in Spanish). */
function num(v) {
  return typeof v === 'number' ? formatNumber(Math.round(v * 10) / 10) : String(v);
}

/** How many days after the last session, with its date; empty when a figure is missing. */
function afterSession(d, fmt) {
  if (d.days_since_session == null || !d.last_session) return '';
  return tn(
    'That was {n} day after the last session ({date}).',
    'That was {n} days after the last session ({date}).',
    d.days_since_session,
    { date: fmt(d.last_session) },
  );
}

/** The sentences of a flag, joined; the missing ones (empty) left out. */
function sentences(...parts) {
  return parts.filter(Boolean).join(' ');
}

function wearingOffSentence(d, fmt) {
  const known = d.scores_at_or_above != null && typeof d.threshold === 'number';
  // W is rarely whole: the whole scores at or above it.
  const values = { w: known ? formatNumber(Math.ceil(d.threshold - 1e-9)) : '', days: d.duration };
  let first;
  if (known && d.duration != null) {
    first = tn(
      'Relief is wearing off: {n} recent score of {w} or more (where relief counts as fading), {days} days after the last session.',
      'Relief is wearing off: {n} recent scores of {w} or more (where relief counts as fading), {days} days after the last session.',
      d.scores_at_or_above,
      values,
    );
  } else if (known) {
    first = tn(
      'Relief is wearing off: {n} recent score of {w} or more (where relief counts as fading).',
      'Relief is wearing off: {n} recent scores of {w} or more (where relief counts as fading).',
      d.scores_at_or_above,
      values,
    );
  } else {
    first = t(
      'Relief is wearing off: recent scores are at or above the level where relief counts as fading.',
    );
  }
  let best = '';
  if (d.nadir != null && d.baseline != null) {
    const figures = { nadir: num(d.nadir), baseline: num(d.baseline) };
    best = d.nadir_date
      ? t(
          'At best, scores were around {nadir} (a median of up to 7 scores) on {date}, against {baseline} before treatment.',
          { ...figures, date: fmt(d.nadir_date) },
        )
      : t(
          'At best, scores were around {nadir} (a median of up to 7 scores), against {baseline} before treatment.',
          figures,
        );
  }
  return sentences(first, d.duration == null || !known ? afterSession(d, fmt) : '', best);
}

function nonResponseSentence(d, fmt) {
  const figures = { nadir: num(d.nadir), improvement: num(d.improvement), baseline: num(d.baseline) };
  const first = d.nadir_date
    ? t(
        'No response to the course so far: at best, scores were around {nadir} (a median of up to 7 scores) on {date}, only {improvement} below the baseline of {baseline}.',
        { ...figures, date: fmt(d.nadir_date) },
      )
    : t(
        'No response to the course so far: at best, scores were around {nadir} (a median of up to 7 scores), only {improvement} below the baseline of {baseline}.',
        figures,
      );
  const over =
    d.scores != null
      ? tn('Judged on {n} score.', 'Judged on {n} scores.', d.scores)
      : t('Judged on several scores.');
  return sentences(first, over, afterSession(d, fmt));
}

function safetyFlagSentence(d) {
  const answer = d.answer_label || d.answer;
  const count = (d.answers || []).length;
  const first =
    count > 1
      ? tn(
          'Answered the safety question ("thoughts that you would be better off dead, or of hurting yourself") with "{answer}", the highest of {n} answer.',
          'Answered the safety question ("thoughts that you would be better off dead, or of hurting yourself") with "{answer}", the highest of {n} answers.',
          count,
          { answer },
        )
      : t(
          'Answered the safety question ("thoughts that you would be better off dead, or of hurting yourself") with "{answer}".',
          { answer },
        );
  return sentences(
    first,
    t('The patient was shown the crisis line. Contact them; acknowledging needs a note of what was done.'),
  );
}

function dataGapSentence(d, fmt) {
  const days = d.days_without_score;
  let first;
  if (days != null && d.since) {
    first = tn('No check-ins for {n} day, since {date}.', 'No check-ins for {n} days, since {date}.', days, {
      date: fmt(d.since),
    });
  } else if (days != null) {
    first = tn(
      'No check-ins for {n} day, since the last session.',
      'No check-ins for {n} days, since the last session.',
      days,
    );
  } else {
    first = d.since
      ? t('No check-ins for several days, since {date}.', { date: fmt(d.since) })
      : t('No check-ins for several days, since the last session.');
  }
  const last = d.last_score_date ? t('The last score was on {date}.', { date: fmt(d.last_score_date) }) : '';
  return sentences(first, last);
}

/**
 * A flag in plain words, built from the engine's details (docs/relief.md); fmt(date) formats a local date.
 * Unknown or missing figures leave their sentence out rather than print "undefined".
 */
export function flagSentence(flag, fmt) {
  const d = flag.details || {};
  switch (flag.kind) {
    case 'wearing_off':
      return wearingOffSentence(d, fmt);
    case 'non_response':
      return nonResponseSentence(d, fmt);
    case 'urgent':
      return urgentSentence(d, fmt);
    case 'safety':
      return safetyFlagSentence(d);
    case 'data_gap':
      return dataGapSentence(d, fmt);
    case 'side_effect':
      return (d.reasons || []).map((r) => r.text || r.reason).join(' ') || t('A side effect was reported.');
    case 'plan_maintenance':
      return sentences(
        t('Time to plan the next session: relief is expected to wear off around {date} ({basis}).', {
          date: fmt(d.predicted_wear_off_date),
          basis: BASIS_PHRASE[d.basis] || t('an estimate'),
        }),
        t('Suggested session by {date}.', { date: fmt(d.suggested_session_by) }),
      );
    default:
      return FLAG_LABEL[flag.kind] || flag.kind;
  }
}

/** Worse than before treatment, with the baseline's source when known: four whole sentences. */
function worseSentence(d, severe) {
  const source = BASELINE_SOURCE_LABEL[d.baseline_source];
  const values = { smoothed: num(d.smoothed), baseline: num(d.baseline), source };
  if (severe) {
    return source
      ? t(
          'Also worse than before treatment: the smoothed score {smoothed} is at least 4 points above the baseline of {baseline} ({source}).',
          values,
        )
      : t(
          'Also worse than before treatment: the smoothed score {smoothed} is at least 4 points above the baseline of {baseline}.',
          values,
        );
  }
  return sentences(
    source
      ? t(
          'Worse than before treatment: the smoothed score {smoothed} is at least 4 points above the baseline of {baseline} ({source}).',
          values,
        )
      : t(
          'Worse than before treatment: the smoothed score {smoothed} is at least 4 points above the baseline of {baseline}.',
          values,
        ),
    t('This alone need not be severe.'),
  );
}

/** The latest daily score and the standard GAD-7, whichever are known. */
function figuresSentence(d) {
  const values = { score: num(d.score), standard: num(d.standard_score) };
  if (d.score != null && d.standard_score != null) {
    return t('The latest daily score was {score}, the standard GAD-7 {standard}.', values);
  }
  if (d.score != null) return t('The latest daily score was {score}.', values);
  if (d.standard_score != null) return t('The standard GAD-7 was {standard}.', values);
  return '';
}

/**
 * An urgent flag in words chosen by what fired it (details.reasons): "severe" only when a severe
 * rule fired; worse than the baseline alone may be mild (a baseline of 5, now 9).
 * "Not a risk assessment": the label (flagLabel) and safetySentence() say it.
 */
export function urgentSentence(d, fmt) {
  const reasons = d.reasons || [];
  const severe = reasons.filter((r) => URGENT_SEVERE[r]).map((r) => URGENT_SEVERE[r]);
  const worse = reasons.includes('worse_than_baseline');
  return sentences(
    URGENT_RETURNED[d.returned],
    severe.length
      ? t('Scores are severe: {reasons}.', {
          reasons: new Intl.ListFormat(locale(), { type: 'conjunction' }).format(severe),
        })
      : '',
    worse ? worseSentence(d, severe.length > 0) : '',
    !severe.length && !worse ? t('A rule for high anxiety scores fired.') : '',
    figuresSentence(d),
    afterSession(d, fmt),
    d.runs > 1 && d.latest_run_start
      ? tn(
          'This flag has gathered {n} run of high scores; the latest began {date}.',
          'This flag has gathered {n} runs of high scores; the latest began {date}.',
          d.runs,
          { date: fmt(d.latest_run_start) },
        )
      : '',
  );
}

/** Names for the raw figures of a flag, for those who open them. */
export const DETAIL_LABEL = wordsTable(() => ({
  cycle_start: t('Course started'),
  last_session: t('Last session'),
  days_since_session: t('Days since the last session'),
  score: t('Score that day'),
  smoothed: t('Smoothed score S(t): median of the latest 3 scores'),
  threshold: t('Threshold W: relief counts as fading at or above it'),
  baseline: t('Baseline'),
  nadir: t('Nadir N: the lowest median of up to 7 scores (not a single score)'),
  nadir_date: t('Date of the nadir'),
  scores_at_or_above: t('Recent scores at or above the threshold'),
  duration: t(
    'Days from the session to the day the wear-off was detected (includes the days needed to confirm it)',
  ),
  estimated_duration: t('Estimated days of relief (to the start of the rise)'),
  rise_start: t('Rise began (estimated)'),
  first_at_or_above: t('First score at or above the threshold'),
  cusum: t('CUSUM (in noise SDs)'),
  improvement: t('Improvement from baseline'),
  scores: t('Scores since the session'),
  reasons: t('Reasons'),
  not_a_safety_screen: t('Not a safety screen'),
  not_a_risk_assessment: t('Not a risk assessment'),
  baseline_source: t('Baseline from'),
  standard_score: t('Standard GAD-7'),
  pre_treatment: t('Before the first session'),
  returned: t('Raised again'),
  runs: t('Runs of high scores'),
  latest_run_start: t('Latest run began'),
  flag_raised_on: t('Flag raised on'),
  since: t('Silent since'),
  last_score_date: t('Last score'),
  days_without_score: t('Days without a score'),
  basis: t('Forecast basis'),
  predicted_wear_off_date: t('Predicted wear-off'),
  suggested_session_by: t('Suggested session by'),
  expected_duration: t('Expected days of relief (the forecast median)'),
  interval_80: t("Likely range (model's 10th–90th percentile)"),
  estimate_days: t('Estimate (days)'),
  method: t('Method'),
  cycles: t('Cycles used'),
  slope: t('Trend (points a day)'),
  probability_within_lead: t('Chance the wear-off comes within the lead time'),
  lead_days: t('Lead time (days)'),
  sources: t('Forecast sources'),
  why: t('The forecast in words'),
  answer: t('Highest safety answer (0–3)'),
  answers: t('Safety answers (0–3)'),
  dates: t('Answered on'),
}));
