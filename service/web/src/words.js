// The words of a page in the reader's language, as the server sent them (data- attributes): plain words, and
// counted words with their plural forms from the gettext catalogues, chosen here with Intl.PluralRules.

/** @typedef {Record<string, string | Record<string, string>>} Words  a word, or a counted word's forms */

/**
 * A lookup of the page's words that falls back to the key itself.
 * @param {Words} words
 * @returns {(key: string) => string}
 */
export function wordsOf(words) {
  return (key) => {
    const found = Object.prototype.hasOwnProperty.call(words, key) ? words[key] : key;
    return typeof found === "string" ? found : found.other;
  };
}

/**
 * A count with its word in the right plural form ("1 member", "2 members"). The server sends a counted
 * word's forms by CLDR category; a category the language has beyond them (Italian "many") takes "other".
 * @param {Words} words
 * @param {string} lang
 * @returns {(n: number, key: string) => string}
 */
export function countsOf(words, lang) {
  const rules = new Intl.PluralRules(lang);
  return (n, key) => {
    const found = Object.prototype.hasOwnProperty.call(words, key) ? words[key] : key;
    const form = typeof found === "string" ? found : found[rules.select(n)] ?? found.other;
    return n + " " + form;
  };
}

