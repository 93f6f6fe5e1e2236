// GAD-7 wording, answer labels and bands, as shown to people (CONTRACT.md §4, §11).
// Daily recall: the standard instrument asks about two weeks; this diary asks about a day.

export const STEM = 'Over the last day, how often have you been bothered by the following problems?';

export const ITEMS = [
  'Feeling nervous, anxious, or on edge',
  'Not being able to stop or control worrying',
  'Worrying too much about different things',
  'Trouble relaxing',
  "Being so restless that it's hard to sit still",
  'Becoming easily annoyed or irritable',
  'Feeling afraid as if something awful might happen',
];

export const ANSWERS = ['Not at all', 'Several days', 'More than half the days', 'Nearly every day'];

export const DIFFICULTY_QUESTION =
  'How difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?';

export const DIFFICULTY = ['Not difficult at all', 'Somewhat difficult', 'Very difficult', 'Extremely difficult'];

export const SIDE_EFFECTS = [
  ['dizziness', 'Dizziness'],
  ['nausea', 'Nausea'],
  ['blurred_vision', 'Blurred vision'],
  ['dissociation', 'Feeling detached or unreal (dissociation)'],
  ['headache', 'Headache'],
  ['drowsiness', 'Drowsiness'],
  ['elevated_blood_pressure', 'Raised blood pressure'],
  ['other', 'Something else'],
];

export const SIDE_EFFECT_LABEL = Object.fromEntries(SIDE_EFFECTS);

export const ROUTES = [
  ['iv', 'Intravenous infusion (IV)'],
  ['intranasal', 'Nasal spray (intranasal)'],
  ['intramuscular', 'Injection into a muscle (intramuscular)'],
  ['subcutaneous', 'Injection under the skin (subcutaneous)'],
  ['oral', 'Swallowed (oral)'],
  ['sublingual', 'Under the tongue (sublingual)'],
];

export const ROUTE_LABEL = Object.fromEntries(ROUTES);
export const ROUTE_SHORT = {
  iv: 'IV', intranasal: 'Intranasal', intramuscular: 'IM', subcutaneous: 'SC', oral: 'Oral', sublingual: 'Sublingual',
};

export const MAX_SCORE = 21;

export const BANDS = [
  { name: 'minimal', from: 0, to: 4 },
  { name: 'mild', from: 5, to: 9 },
  { name: 'moderate', from: 10, to: 14 },
  { name: 'severe', from: 15, to: 21 },
];

export function severity(total) {
  return BANDS.find((b) => total >= b.from && total <= b.to)?.name ?? 'minimal';
}

// Plain words for a patient: describes the score, never alarms.
const PLAIN = {
  minimal: 'little or no anxiety',
  mild: 'mild anxiety',
  moderate: 'moderate anxiety',
  severe: 'severe anxiety',
};

export function plainBand(band) {
  return PLAIN[band] ?? band;
}

export function totalOf(answers) {
  return answers.reduce((sum, a) => sum + a, 0);
}

export function scoreSentence(total, band = severity(total)) {
  return `Your score is ${total} out of ${MAX_SCORE}, in the range of ${plainBand(band)}.`;
}

// The same side effects in clinical words, for the care team's screens.
export const SIDE_EFFECT_CLINICAL = {
  dizziness: 'Dizziness',
  nausea: 'Nausea',
  blurred_vision: 'Blurred vision',
  dissociation: 'Dissociation',
  headache: 'Headache',
  drowsiness: 'Drowsiness',
  elevated_blood_pressure: 'Elevated blood pressure',
  other: 'Other',
};
