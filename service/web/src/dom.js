// Small DOM helpers the pages share. Text from the data only ever goes in as text (textContent), never as
// markup: the CSP already forbids inline scripts, this keeps a hostile label from becoming an element.

/**
 * The element with this id, of this class; a page without it is a page this script was not written for.
 * @template {Element} T
 * @param {string} id
 * @param {new (...args: any[]) => T} kind
 * @returns {T}
 */
export function byId(id, kind) {
  const node = document.getElementById(id);
  if (!(node instanceof kind)) throw new Error(`the page has no #${id} (${kind.name})`);
  return node;
}

/**
 * A new element with an optional class and text.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {unknown} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}
