/**
 * Text that comes from a file (a GGUF's general.name, a config.json's model_type, a tensor name) is
 * printed by the CLI and written into deployment files. `cleanText` removes what could break a line
 * or fake one: C0 controls (U+0000-U+001F, tab and newline included), DEL (U+007F), C1 controls
 * (U+0080-U+009F, NEL U+0085 included), LINE SEPARATOR U+2028, PARAGRAPH SEPARATOR U+2029, and the
 * bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) that reorder what a terminal
 * shows. Everything else, non-ASCII letters included, is kept. Pure.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function cleanText(s: string): string {
  return s.replace(UNSAFE, "");
}

/**
 * What the output guard (src/cli/output.ts) refuses to print, as it would show a value that was never
 * computed: NaN, Infinity or undefined as a word, or an object turned into a string ("[object
 * Object]"). A string read from a file that holds one (a model_type of "NaN") is refused where it is
 * read, naming the field, rather than reported later as an internal error.
 */
export const UNFILLED = /(?<![A-Za-z0-9_])(NaN|-?Infinity|undefined)(?![A-Za-z0-9_])|\[object [A-Za-z]+\]/;
