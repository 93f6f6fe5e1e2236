// Words for the provider screens.
export const STATUS_LABEL = {
  no_treatment: 'No session yet',
  awaiting_response: 'Awaiting response',
  relief: 'Relief',
  wearing_off: 'Wearing off',
  non_response: 'No response',
};

export const FLAG_LABEL = {
  urgent: 'Urgent',
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

export const NOTICE_LABEL = {
  no_baseline: 'No baseline: too few scores before the first session and no intake score.',
};

export const URGENT_DISCLAIMER = 'The GAD-7 has no suicide item: "urgent" is not a safety screen. '
  + 'It means scores are very high or reliably worse than before treatment. Check on risk in your usual way.';

// Treatment routes, for the session forms and lists.
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

// Side effects in clinical words, for the care team's screens.
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
