// The SPARQL editor of the query page: CodeMirror 6 with the SPARQL mode, imported by query.js and
// bundled with it by esbuild.
import { basicSetup } from "codemirror";
import { EditorView, keymap } from "@codemirror/view";
import { EditorState } from "@codemirror/state";
import { StreamLanguage } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { linter, lintGutter } from "@codemirror/lint";
import { sparqlCompletions } from "./completion.js";

/** How long typing must pause before the text is sent to be parsed (ms). */
const LINT_DELAY = 600;

/**
 * The syntax error of the text, as the server's parser (the one that runs queries) finds it: one
 * diagnostic at its line and column, or none. A failed check (offline, busy) marks nothing.
 * @param {import("@codemirror/view").EditorView} view
 * @returns {Promise<import("@codemirror/lint").Diagnostic[]>}
 */
async function syntaxErrors(view) {
  const text = view.state.doc.toString();
  if (!text.trim()) return [];
  let parsed;
  try {
    const response = await fetch("/api/parse", {
      method: "POST", headers: { "Content-Type": "application/sparql-query", Accept: "application/json" }, body: text,
    });
    if (!response.ok) return [];
    parsed = await response.json();
  } catch {
    return [];
  }
  if (parsed.valid || view.state.doc.toString() !== text) return [];
  const doc = view.state.doc;
  let from = doc.length;
  if (typeof parsed.line === "number" && typeof parsed.column === "number") {
    const line = doc.line(Math.min(Math.max(parsed.line, 1), doc.lines));
    from = Math.min(line.from + Math.max(parsed.column - 1, 0), line.to);
  }
  // Mark the word there (or the character before the end of the text, where the parser often stops).
  const word = /^[^\s{}().;,]+/.exec(doc.sliceString(from, Math.min(from + 40, doc.length)));
  const start = word ? from : Math.max(from - 1, 0);
  const end = word ? from + word[0].length : Math.max(from, start + 1);
  return [{ from: start, to: Math.min(end, doc.length), severity: "error", message: String(parsed.message || "") }];
}

/**
 * @typedef {object} Editor
 * @property {() => string} getValue
 * @property {(text: string) => void} setValue
 * @property {() => void} focus
 * @property {(line: number, column: number) => void} showPlace  select the character there and scroll to it
 */

/**
 * Replace a textarea with an editor that keeps the textarea's value in sync, so the form still submits
 * (and the page still works as a plain form without scripts).
 * @param {HTMLTextAreaElement} textarea
 * @param {() => void} onRun  what Ctrl/Cmd-Enter and Shift-Enter do
 * @param {{nonce?: string, onChange?: (text: string) => void, lang?: string}} [options]  the page's style
 *   nonce, for the <style> the editor generates; what to call when the text changes; the page's language
 * @returns {Editor}
 */
export function fromTextArea(textarea, onRun, options = {}) {
  const run = () => { onRun(); return true; };
  const language = StreamLanguage.define(sparql);
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        keymap.of([{ key: "Mod-Enter", run }, { key: "Shift-Enter", run }]),
        basicSetup,
        language,
        ...sparqlCompletions(options.lang || "en").map((source) => language.data.of({ autocomplete: source })),
        linter(syntaxErrors, { delay: LINT_DELAY }),
        lintGutter(),
        EditorView.lineWrapping,
        // The page's CSP admits generated <style> elements only with this response's nonce.
        EditorView.cspNonce.of(options.nonce || ""),
        EditorView.contentAttributes.of({ "aria-label": textarea.getAttribute("aria-label") || "SPARQL query" }),
        // Typing over a selection: the browser's own editing would keep the look of the highlighted text it
        // deletes with an inline style attribute, which the page's CSP blocks (a console error); the editor
        // replaces the selection itself instead.
        EditorView.domEventHandlers({
          beforeinput(event, view) {
            if (event.inputType !== "insertText" || event.data === null || view.state.selection.main.empty) {
              return false;
            }
            event.preventDefault();
            view.dispatch(view.state.replaceSelection(event.data), { scrollIntoView: true, userEvent: "input.type" });
            return true;
          },
        }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          textarea.value = update.state.doc.toString();
          options.onChange?.(textarea.value);
        }),
      ],
    }),
  });
  textarea.before(view.dom);
  textarea.hidden = true;
  return {
    getValue: () => view.state.doc.toString(),
    setValue: (/** @type {string} */ text) => {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      textarea.value = text;
    },
    focus: () => view.focus(),
    showPlace: (/** @type {number} */ line, /** @type {number} */ column) => {
      const doc = view.state.doc;
      const at = doc.line(Math.min(Math.max(line, 1), doc.lines));
      const from = Math.min(at.from + Math.max(column - 1, 0), at.to);
      view.dispatch({ selection: { anchor: from, head: Math.min(from + 1, at.to) }, scrollIntoView: true });
      view.focus();
    },
  };
}
