// How a dose was given: the codes the API takes and their words. Apart from labels.js, whose
// clinical words only the care team's screens need, so a patient's phone loads this alone.
export const ROUTES = [
  ['iv', 'Intravenous infusion (IV)'],
  ['intranasal', 'Nasal spray (intranasal)'],
  ['intramuscular', 'Injection into a muscle (intramuscular)'],
  ['subcutaneous', 'Injection under the skin (subcutaneous)'],
  ['oral', 'Swallowed (oral)'],
  ['sublingual', 'Under the tongue (sublingual)'],
  ['other', 'Another way'],
];
// The routes of a dose a patient took at home: infusions and injections are the clinic's.
export const HOME_ROUTES = ROUTES.filter(([code]) => !['iv', 'intramuscular', 'subcutaneous'].includes(code));

export const ROUTE_LABEL = Object.fromEntries(ROUTES);
export const ROUTE_SHORT = {
  iv: 'IV',
  intranasal: 'Intranasal',
  intramuscular: 'IM',
  subcutaneous: 'SC',
  oral: 'Oral',
  sublingual: 'Sublingual',
  other: 'Other',
  unknown: 'Unknown', // the outcomes' group of cycles whose route was not recorded
};
