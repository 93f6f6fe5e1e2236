// The PWA's language (docs/i18n.md). Texts are written in English where they are used, as
// t('Saved at {time}', { time }) or tn('{n} day', '{n} days', n); `make i18n` extracts them
// and the server hands each language's translations over as JSON, made from the same .po files
// as its own. English is the source and needs no catalogue, so an English phone loads none.
// Write each text as one string literal (no template literal, no +): that is what is extracted.

const LANGUAGES = ['en', 'es'];
const STORE = 'afterglow.catalogue.';
// The gettext order of plural forms is CLDR's order of the categories a language has.
const CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'];

let language = 'en';
let messages = {};
let plurals = new Intl.PluralRules('en');

/** The language being shown: "en" or "es" (the pseudo-locale of the layout tests shows as "es"). */
export function currentLanguage() {
  return language;
}

/** The locale for Intl: the language shown, in the browser's region when it speaks it (en-GB, es-MX). */
export function locale() {
  const own = navigator.language || '';
  return own.toLowerCase().split('-')[0] === language ? own : language;
}

function fill(text, params) {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** A text in the current language, with its {placeholders} filled in. */
export function t(text, params) {
  const found = messages[text];
  return fill(typeof found === 'string' ? found : text, params);
}

/** A text with a count: tn('{n} day', '{n} days', n); {n} is the count in the locale's digits. */
export function tn(one, other, n, params) {
  const values = { n: formatNumber(n), ...params };
  const forms = messages[one];
  if (!Array.isArray(forms)) return fill(n === 1 ? one : other, values);
  const present = plurals.resolvedOptions().pluralCategories;
  const order = CATEGORIES.filter((c) => present.includes(c));
  const index = order.indexOf(plurals.select(n));
  return fill(forms[index >= 0 && index < forms.length ? index : forms.length - 1], values);
}

export function formatNumber(n, options) {
  return new Intl.NumberFormat(locale(), options).format(n);
}

/**
 * A {code: words} table whose words are in the language shown: `make` (which calls t()) runs
 * again only when the catalogue changes, so a table can be a module's constant and still
 * follow a change of language. Read it like an object: TABLE[code], Object.entries(TABLE).
 */
export function wordsTable(make) {
  let words = null;
  let builtFrom = null;
  const current = () => {
    if (builtFrom !== messages) [words, builtFrom] = [make(), messages];
    return words;
  };
  return new Proxy(
    {},
    {
      get: (_, key) => current()[key],
      has: (_, key) => key in current(),
      ownKeys: () => Reflect.ownKeys(current()),
      getOwnPropertyDescriptor: (_, key) =>
        key in current() ? { value: current()[key], enumerable: true, configurable: true } : undefined,
    },
  );
}

/** The browser's best language of ours, for the screens before login. */
export function browserLanguage() {
  for (const tag of navigator.languages || [navigator.language || 'en']) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

function stored(name) {
  try {
    return JSON.parse(localStorage.getItem(STORE + name) || 'null');
  } catch {
    return null;
  }
}

// The kept copy's version goes along: the server answers 304, with no body, while it is current.
async function download(name, kept) {
  const headers = kept?.version ? { 'If-None-Match': `"${kept.version}"` } : {};
  const response = await fetch(`api/v1/i18n/${name}`, { credentials: 'same-origin', headers });
  if (response.status === 304 && kept) return kept;
  if (!response.ok) throw new Error(`catalogue ${name}: ${response.status}`);
  const body = await response.json();
  try {
    localStorage.setItem(STORE + name, JSON.stringify(body));
  } catch {
    // storage full or refused: the catalogue is fetched again next time
  }
  return body;
}

/**
 * Shows the PWA in a language from now on. A copy kept from an earlier visit is used at once
 * (offline too) and refreshed in the background; the first visit waits for the download.
 * Returns true when the language changed.
 */
export async function useLanguage(wanted) {
  const pseudo = localStorage.getItem('afterglow.pseudo') === '1';
  const name = pseudo ? 'qps' : LANGUAGES.includes(wanted) ? wanted : 'en';
  const next = name === 'qps' ? 'es' : name;
  if (next === language && (name === 'en' || Object.keys(messages).length)) return false;
  let catalogue = { messages: {} };
  if (name !== 'en') {
    const kept = stored(name);
    const fresh = download(name, kept).catch(() => kept);
    catalogue = kept || (await fresh) || catalogue;
  }
  language = next;
  messages = catalogue.messages || {};
  plurals = new Intl.PluralRules(language);
  document.documentElement.lang = language;
  return true;
}
