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
