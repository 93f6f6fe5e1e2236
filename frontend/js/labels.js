// Words for the provider screens.
export const STATUS_LABEL = {
  no_treatment: 'No session yet',
  awaiting_response: 'Awaiting response',
  relief: 'Relief',
  wearing_off: 'Wearing off',
  non_response: 'No response',
};

export const FLAG_LABEL = {
  safety: 'Safety answer',
  urgent: 'Urgent',
  side_effect: 'Side effect or extra dose',
  wearing_off: 'Wearing off',
  data_gap: 'No recent check-ins',
  plan_maintenance: 'Plan maintenance',
  non_response: 'No response',
};

export const BASIS_LABEL = {
  history: 'from earlier cycles',
  trend: 'from the current trend',
  prior: 'a general estimate',
};

// What the worklist's forecast rests on (the relief engine's prediction_basis), in a few words.
export const BASIS_TAG = {
  history: 'from their past cycles',
  trend: 'scores rising now',
  prior: 'from the clinic’s other patients',
};

// The server's session_due (diary/monitoring/evaluation.py): overdue is judged in the patient's own today.
export const DUE_LABEL = {
  overdue: 'overdue: nothing booked',
  booked_after_wear_off: 'booked after the predicted wear-off',
};

// Why a flag closed (the API's resolution), in plain words.
export const RESOLUTION_LABEL = {
  new_cycle: 'closed when a new course of sessions began',
  logging_resumed: 'closed when check-ins started again',
  superseded: 'closed: a newer flag took its place',
  withdrawn: 'withdrawn: the changed data no longer raise it',
  discharged: 'closed when the patient was discharged',
};

export const NOTICE_LABEL = {
  no_baseline: 'No baseline: too few scores before the first session and no intake score.',
  baseline_from_intake: 'Baseline from an intake score: too few daily check-ins before treatment.',
  baseline_from_course: 'Baseline from the daily check-ins before this course.',
};

export const URGENT_DISCLAIMER =
  'Urgent is not a risk assessment: the GAD-7 has no suicide item. ' +
  'It means anxiety scores are severe, or clearly worse than before treatment. Check on risk in your usual way.';

/** A flag's name wherever it is shown (worklist tags, cards, lists): urgent says what it is not. */
export function flagLabel(kind) {
  if (kind === 'urgent') return 'Urgent (not a risk assessment)';
  return FLAG_LABEL[kind] || String(kind).replaceAll('_', ' ');
}

// Where the relief engine's baseline comes from (the assessment's baseline_source, docs/relief.md).
export const BASELINE_SOURCE_LABEL = {
  daily_run_in: 'from the daily check-ins before treatment',
  intake: 'from the intake score the care team entered',
  daily_before_course: 'from the daily check-ins before this course',
  gad7: 'from a standard GAD-7 before treatment',
};

// Notices the baseline's source already says (shown with the baseline instead).
export const BASELINE_NOTICES = ['baseline_from_intake', 'baseline_from_course'];

/** The baseline with where it comes from, e.g. "16 (from the daily check-ins before treatment)". */
export function baselineText(baseline, source) {
  if (baseline == null) return null;
  const from = BASELINE_SOURCE_LABEL[source];
  return from ? `${num(baseline)} (${from})` : num(baseline);
}

export const PRODUCT_LABEL = { racemic_ketamine: 'Racemic ketamine', esketamine: 'Esketamine' };

// Kinds of course, for the outcomes.
export const COURSE_LABEL = {
  single_session: 'Single session',
  induction: 'Induction',
  maintenance: 'Maintenance',
};

// Side effects in clinical words, for the care team's screens.
export const SIDE_EFFECT_CLINICAL = {
  dizziness: 'Dizziness',
  nausea: 'Nausea',
  blurred_vision: 'Blurred vision',
  dissociation: 'Dissociation',
  headache: 'Headache',
  drowsiness: 'Drowsiness',
  elevated_blood_pressure: 'Elevated blood pressure',
  vomiting: 'Vomiting',
  anxiety: 'Anxiety or panic after the dose',
  confusion: 'Confusion or perceptual changes',
  numbness: 'Numbness',
  palpitations: 'Palpitations',
  urinary: 'Urinary pain or frequency',
  craving: 'Craving, or taking more than prescribed',
  other: 'Other',
};

const BASIS_PHRASE = {
  history: "from this patient's earlier cycles",
  trend: 'from the current trend of scores',
  prior: 'from a general estimate (too little history yet)',
};

// What fired an urgent (its details.reasons): the severe ones, and the one that is not severe by itself.
const URGENT_SEVERE = {
  severe_scores: 'daily scores of 15 or more (severe) on 2 of the last 3 check-ins within a week',
  pre_treatment_severe_scores:
    'before the first session, daily scores of 15 or more (severe) on 2 of the last 3 check-ins within a week',
  standard_gad7_severe: 'a standard GAD-7 of 15 or more (severe)',
};
const URGENT_RETURNED = {
  new_run: 'Raised again: a new run of high scores after the last urgent was acknowledged. ',
  still_going: 'Raised again: scores still high 7 days after the last urgent was acknowledged. ',
};

function num(v) {
  return typeof v === 'number' ? String(Math.round(v * 10) / 10) : String(v);
}

/** The threshold W in a clinician's words: the whole scores at or above it (W is rarely whole). */
function atOrAbove(w) {
  return typeof w === 'number'
    ? `of ${Math.ceil(w - 1e-9)} or more (where relief counts as fading)`
    : 'at or above the level where relief counts as fading';
}

/**
 * A flag in plain words, built from the engine's details (docs/relief.md); fmt(date) formats a local date.
 * Unknown or missing figures leave their clause out rather than print "undefined".
 */
export function flagSentence(flag, fmt) {
  const d = flag.details || {};
  const after =
    d.days_since_session != null && d.last_session
      ? `, ${d.days_since_session} days after the last session (${fmt(d.last_session)})`
      : '';
  switch (flag.kind) {
    case 'wearing_off':
      return (
        `Relief is wearing off: ${d.scores_at_or_above ?? 'several'} recent scores ${atOrAbove(d.threshold)}` +
        `${d.duration != null ? `, ${d.duration} days after the last session` : after}.` +
        (d.nadir != null && d.baseline != null
          ? ` At best, scores were around ${num(d.nadir)} (a median of up to 7 scores)${d.nadir_date ? ` on ${fmt(d.nadir_date)}` : ''}, against ${num(d.baseline)} before treatment.`
          : '')
      );
    case 'non_response':
      return (
        `No response to the course so far: at best, scores were around ${num(d.nadir)} (a median of up to 7 scores)${d.nadir_date ? ` on ${fmt(d.nadir_date)}` : ''}, ` +
        `only ${num(d.improvement)} below the baseline of ${num(d.baseline)}, over ${d.scores ?? 'several'} scores${after}.`
      );
    case 'urgent':
      return urgentSentence(d, fmt, after);
    case 'safety':
      return (
        `Answered the safety question ("thoughts that you would be better off dead, or of hurting yourself") ` +
        `with "${d.answer_label || d.answer}"${(d.answers || []).length > 1 ? ` (its highest of ${d.answers.length} answers)` : ''}. ` +
        'The patient was shown the crisis line. Contact them; acknowledging needs a note of what was done.'
      );
    case 'data_gap':
      return (
        `No check-ins for ${d.days_without_score ?? 'several'} days, since ${d.since ? fmt(d.since) : 'the last session'}` +
        `${d.last_score_date ? ` (last score on ${fmt(d.last_score_date)})` : ''}.`
      );
    case 'side_effect':
      return (d.reasons || []).map((r) => r.text || r.reason).join(' ') || 'A side effect was reported.';
    case 'plan_maintenance':
      return (
        `Time to plan the next session: relief is expected to wear off around ${fmt(d.predicted_wear_off_date)}` +
        ` (${BASIS_PHRASE[d.basis] || 'an estimate'}). Suggested session by ${fmt(d.suggested_session_by)}.`
      );
    default:
      return FLAG_LABEL[flag.kind] || flag.kind;
  }
}

/**
 * An urgent flag in words chosen by what fired it (details.reasons): "severe" only when a severe
 * rule fired; worse than the baseline alone may be mild (a baseline of 5, now 9).
 */
export function urgentSentence(d, fmt, after = '') {
  const reasons = d.reasons || [];
  const severe = reasons.filter((r) => URGENT_SEVERE[r]).map((r) => URGENT_SEVERE[r]);
  const worse = reasons.includes('worse_than_baseline');
  const parts = [URGENT_RETURNED[d.returned] || ''];
  if (severe.length) parts.push(`Scores are severe: ${severe.join('; and ')}.`);
  if (worse) {
    const from = BASELINE_SOURCE_LABEL[d.baseline_source];
    parts.push(
      `${severe.length ? ' Also w' : 'W'}orse than before treatment: the smoothed score ${num(d.smoothed)} is at least 4 points ` +
        `above the baseline of ${num(d.baseline)}${from ? ` (${from})` : ''}.` +
        (severe.length ? '' : ' This alone need not be severe.'),
    );
  }
  if (!severe.length && !worse) parts.push('A rule for high anxiety scores fired.');
  const latest = d.score != null ? `The latest daily score was ${num(d.score)}` : '';
  const standard = d.standard_score != null ? `the standard GAD-7 ${num(d.standard_score)}` : '';
  const figures = [latest, standard].filter(Boolean).join(', ');
  if (figures) parts.push(` ${figures[0].toUpperCase()}${figures.slice(1)}${after}.`);
  if (d.runs > 1 && d.latest_run_start) {
    parts.push(
      ` This flag has gathered ${d.runs} runs of high scores; the latest began ${fmt(d.latest_run_start)}.`,
    );
  }
  return parts.join(''); // "not a risk assessment": the label (flagLabel) and SAFETY_SENTENCE say it
}

export const SAFETY_SENTENCE =
  'Not a risk assessment, nor a safety screen: the GAD-7 asks nothing about suicide or self-harm. ' +
  'Check on risk in your usual way.';

/** Names for the raw figures of a flag, for those who open them. */
export const DETAIL_LABEL = {
  cycle_start: 'Course started',
  last_session: 'Last session',
  days_since_session: 'Days since the last session',
  score: 'Score that day',
  smoothed: 'Smoothed score S(t): median of the latest 3 scores',
  threshold: 'Threshold W: relief counts as fading at or above it',
  baseline: 'Baseline',
  nadir: 'Nadir N: the lowest median of up to 7 scores (not a single score)',
  nadir_date: 'Date of the nadir',
  scores_at_or_above: 'Recent scores at or above the threshold',
  duration:
    'Days from the session to the day the wear-off was detected (includes the days needed to confirm it)',
  estimated_duration: 'Estimated days of relief (to the start of the rise)',
  rise_start: 'Rise began (estimated)',
  first_at_or_above: 'First score at or above the threshold',
  cusum: 'CUSUM (in noise SDs)',
  improvement: 'Improvement from baseline',
  scores: 'Scores since the session',
  reasons: 'Reasons',
  not_a_safety_screen: 'Not a safety screen',
  not_a_risk_assessment: 'Not a risk assessment',
  baseline_source: 'Baseline from',
  standard_score: 'Standard GAD-7',
  pre_treatment: 'Before the first session',
  returned: 'Raised again',
  runs: 'Runs of high scores',
  latest_run_start: 'Latest run began',
  flag_raised_on: 'Flag raised on',
  since: 'Silent since',
  last_score_date: 'Last score',
  days_without_score: 'Days without a score',
  basis: 'Forecast basis',
  predicted_wear_off_date: 'Predicted wear-off',
  suggested_session_by: 'Suggested session by',
  expected_duration: 'Expected days of relief (the forecast median)',
  interval_80: "Likely range (model's 10th–90th percentile)",
  estimate_days: 'Estimate (days)',
  method: 'Method',
  cycles: 'Cycles used',
  slope: 'Trend (points a day)',
  probability_within_lead: 'Chance the wear-off comes within the lead time',
  lead_days: 'Lead time (days)',
  sources: 'Forecast sources',
  why: 'The forecast in words',
  answer: 'Highest safety answer (0–3)',
  answers: 'Safety answers (0–3)',
  dates: 'Answered on',
};
