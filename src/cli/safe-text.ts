/**
 * Text that reaches an error line from outside llmdeploy (a value typed, a line of a file, a parser's
 * message) is made fit to print here: one line, no control characters or escape sequences
 * (src/sanitize.ts), bounded length, and never the file's own text. A parse error names the file, the
 * line and column, and the kind of problem; it does not quote the line (which may hold a password:
 * `plan --config ~/.netrc`). Pure: text in, text out.
 */
import { cleanText } from "../sanitize.js";

/** Longest run of non-blank characters an error line keeps whole (a path, a quoted value). */
const LONGEST_WORD = 200;
/** Longest error line (or hint) printed; the rest is cut with "…". */
const LONGEST_LINE = 2000;

/**
 * V8's JSON.parse message quotes up to 10 characters either side of the bad token (Node 20:
 * `Unexpected token 'h', ..."assword": hunter2sec"... is not valid JSON`): the file's own text.
 * Source: V8 src/json/json-parser.cc, kMaxContextCharacters = 10 and the
 * kJsonParseUnexpectedTokenSurroundStringWithContext / ...StartString / ...EndString / ...ShortString
 * messages in src/common/message-template.h.
 */
const V8_JSON_SNIPPET = /Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON/;
const V8_CONTEXT = 10;

/** A character for a message: itself when printable ASCII, else its code point (U+001B). */
function charName(ch: string): string {
  return /^[\x21-\x7e]$/.test(ch)
    ? `'${ch}'`
    : `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * `s` as one printable line: line breaks and tabs become spaces, control characters, escape
 * sequences' introducers and bidirectional overrides go (cleanText), V8's quoted JSON context is cut
 * (only the bad character stays), a run of more than 200 non-blank characters keeps its first 120,
 * and the line is cut at 2000 characters; "…" marks each cut.
 */
export function printable(s: string): string {
  let t = cleanText(s.replace(/[\r\n\t\v\f\u0085\u2028\u2029]+/g, " "));
  t = t.replace(V8_JSON_SNIPPET, (_m, tok: string) => `Unexpected token ${charName(tok)} (not valid JSON)`);
  // ...and its start alone, when a caller kept only the message's first line: the rest is the file's.
  t = t.replace(/Unexpected token '([\s\S])', (\.\.\.)?"[\s\S]*$/, (_m, tok: string) => {
    return `Unexpected token ${charName(tok)} (not valid JSON)`;
  });
  t = t.replace(new RegExp(`\\S{${LONGEST_WORD + 1},}`, "g"), (w) => `${w.slice(0, 120)}…`);
  return t.length > LONGEST_LINE ? `${t.slice(0, LONGEST_LINE)}…` : t;
}

/**
 * A value (from a file or a flag) for an error line: a string quoted, cleaned and cut to `max`
 * characters ("…" marks the cut); a number or boolean as itself; null as null; undefined as "missing";
 * an object as "a mapping", an array as "a list".
 */
export function shown(v: unknown, max = 60): string {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v !== "string") return `a ${typeof v}`;
  const c = cleanText(v);
  return JSON.stringify(c.length > max ? `${c.slice(0, max)}…` : c);
}

/** "line L, column C" of offset `pos` (0-based, in UTF-16 units) in `text`; both 1-based. */
export function lineColumn(text: string, pos: number): string {
  const p = Math.max(0, Math.min(pos, text.length));
  const before = text.slice(0, p);
  const line = before.split("\n").length;
  return `line ${line}, column ${p - (before.lastIndexOf("\n") + 1) + 1}`;
}

/**
 * What JSON.parse refused in `text`, without quoting it: "line 2, column 14: Unexpected token 'h'",
 * "line 1, column 6: Expected ',' or '}' after property value", "line 3, column 1: unexpected end of
 * the file". The position comes from V8's message ("at position N", or where its quoted context sits
 * in `text`); when it cannot be found, the problem alone.
 */
export function jsonProblem(e: unknown, text: string): string {
  // The whole message: V8's quoted context may hold the file's line breaks.
  const msg = String((e as { message?: unknown } | null)?.message ?? e);
  let pos: number | undefined;
  let what: string;
  const at = / in JSON at position (\d+)/.exec(msg);
  const tok = V8_JSON_SNIPPET.exec(msg);
  if (at) {
    pos = Number(at[1]);
    what = msg.slice(0, at.index);
  } else if (/^Unexpected end of JSON input/.test(msg)) {
    pos = text.length;
    what = "unexpected end of the file";
  } else if (tok) {
    const [, ch = "", pre, context = "", post] = tok;
    what = `Unexpected token ${charName(ch)}`;
    if (pre) {
      const i = text.indexOf(context);
      if (i >= 0) pos = i + V8_CONTEXT;
    } else if (post) pos = context.length - V8_CONTEXT;
    else if (text.indexOf(ch) === text.lastIndexOf(ch)) pos = text.indexOf(ch);
  } else {
    // Anything else V8 might quote is the file's: dropped.
    what = msg.replace(/"[\s\S]*$/, "…");
  }
  what = printable(what).slice(0, 120);
  return pos === undefined ? what : `${lineColumn(text, pos)}: ${what}`;
}

/**
 * What the yaml package refused, without quoting the file: "line 2, column 10: Nested mappings are not
 * allowed in compact mappings". Its message's first line, less its position (given from linePos) and
 * anything after a ": " (where it names a tag, an alias or a key from the file), cleaned and cut at 120
 * characters. The lines after the first (the file's text with a caret) are never used.
 */
export function yamlProblem(e: unknown): string {
  const err = e as { message?: unknown; linePos?: { line: number; col: number }[] } | null;
  let what = String(err?.message ?? e).split("\n")[0] ?? "";
  what = what.replace(/ at line \d+, column \d+:?\s*$/, "");
  const colon = what.indexOf(": ");
  if (colon >= 0) what = what.slice(0, colon);
  what = printable(what).slice(0, 120);
  const p = err?.linePos?.[0];
  return p && Number.isInteger(p.line) && Number.isInteger(p.col)
    ? `line ${p.line}, column ${p.col}: ${what}`
    : what;
}
