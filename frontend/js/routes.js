// How a dose was given: the codes the API takes and their words. Apart from labels.js, whose
// clinical words only the care team's screens need, so a patient's phone loads this alone.
// The words are in the language shown (wordsTable), so ROUTE_LABEL.iv or a [code, label] of
// ROUTES is always the current language's.
import { t, wordsTable } from './i18n.js';

export const ROUTE_LABEL = wordsTable(() => ({
  iv: t('Intravenous infusion (IV)'),
  intranasal: t('Nasal spray (intranasal)'),
  intramuscular: t('Injection into a muscle (intramuscular)'),
  subcutaneous: t('Injection under the skin (subcutaneous)'),
  oral: t('Swallowed (oral)'),
  sublingual: t('Under the tongue (sublingual)'),
  other: t('Another way'),
}));

export const ROUTE_SHORT = wordsTable(() => ({
  // TRANSLATORS: the abbreviation of an intravenous infusion, in a narrow table column.
  iv: t('IV'),
  intranasal: t('Intranasal'),
  // TRANSLATORS: the abbreviation of an intramuscular injection, in a narrow table column.
  intramuscular: t('IM'),
  // TRANSLATORS: the abbreviation of a subcutaneous injection, in a narrow table column.
  subcutaneous: t('SC'),
  oral: t('Oral'),
  sublingual: t('Sublingual'),
  // TRANSLATORS: a route of a dose that is none of the others.
  other: t('Other'),
  // TRANSLATORS: the outcomes' group of treatment cycles whose route was not recorded.
  unknown: t('Unknown'),
}));

/** A [code, words] pair whose words are read, in the language shown, when asked for. */
function pair(code) {
  const out = [code];
  Object.defineProperty(out, 1, { get: () => ROUTE_LABEL[code], enumerable: true });
  return Object.freeze(out);
}

export const ROUTES = Object.keys(ROUTE_LABEL).map(pair);
// The routes of a dose a patient took at home: infusions and injections are the clinic's.
export const HOME_ROUTES = ROUTES.filter(([code]) => !['iv', 'intramuscular', 'subcutaneous'].includes(code));
