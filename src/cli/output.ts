/**
 * Output helpers: data to stdout, everything else to stderr; colour only on a TTY and never
 * with NO_COLOR; --json prints the same result object the table is drawn from.
 */
import { styleText } from "node:util";
import { UNFILLED } from "../sanitize.js";

type Style = "bold" | "dim" | "red" | "green";
type Painter = Record<Style, (text: string) => string>;

/** Colour on a TTY unless NO_COLOR is set; FORCE_COLOR turns it on anywhere. */
function colorOn(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY);
}

function painter(on: boolean): Painter {
  const paint = (style: Style) => (text: string) => (on ? styleText(style, text) : text);
  return { bold: paint("bold"), dim: paint("dim"), red: paint("red"), green: paint("green") };
}

/** Styles for stdout (c) and stderr (ce). */
export const c = painter(colorOn(process.stdout));
export const ce = painter(colorOn(process.stderr));

export const GIB = 1024 ** 3;
export const GB = 1e9;

/** Bytes as GiB with the unit spelled out. */
export function gib(bytes: number, digits = 2): string {
  return `${(bytes / GIB).toFixed(digits)} GiB`;
}

/** A parameter count as "70.55B" / "494.03M". */
export function params(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  return String(n);
}

/** 70553706496 -> "70,553,706,496" (without Intl, whose first use costs ~25 ms of start-up). */
export function grouped(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

// ---------------------------------------------------------------------------------------------
// The output guard: a number that is not a number, or a value that did not get filled in, is a bug
// in llmdeploy, never something to print. Every line and every JSON document goes through it.

/** What a value must never show: NaN, ±Infinity, `undefined`, or an object turned into a string. */
const BAD_TEXT = UNFILLED;

/** An output that would print NaN, Infinity, undefined or "[object Object]": caught, never printed. */
export class BadOutputError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path} ${problem}`);
    this.name = "BadOutputError";
  }
}

const keyPath = (path: string, key: string): string =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

/**
 * The first value in `value` (walked as JSON.stringify walks it, toJSON included) that must not be
 * printed, as [field path, problem], or null. Problems: a number that is NaN or ±Infinity; a bigint
 * (JSON.stringify throws on it); `undefined`, a function or a symbol where JSON would print null (in
 * an array) or leave a field out that was set; a string that shows NaN, Infinity, undefined or
 * "[object Object]"; a cycle. Field paths read like `recommendation.performance.ttftMs` or
 * `alternatives[2].gpu`; `root` names the top.
 */
export function findBadValue(value: unknown, root = "(output)"): [string, string] | null {
  const seen = new Set<object>();
  const walk = (v: unknown, path: string): [string, string] | null => {
    const at = path || root;
    if (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function")
      v = (v as { toJSON: () => unknown }).toJSON();
    switch (typeof v) {
      case "number":
        return Number.isFinite(v) ? null : [at, `is ${v}`];
      case "bigint":
        return [at, "is a bigint"];
      case "undefined":
        return [at, "is undefined"];
      case "function":
      case "symbol":
        return [at, `is a ${typeof v}`];
      case "string": {
        const m = BAD_TEXT.exec(v);
        return m ? [at, `contains "${m[0]}"`] : null;
      }
      case "object": {
        if (v === null) return null;
        if (seen.has(v)) return [at, "refers to itself"];
        seen.add(v);
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) {
            const bad = walk(v[i], `${path}[${i}]`);
            if (bad) return bad;
          }
        } else {
          for (const [k, x] of Object.entries(v)) {
            const bad = walk(x, keyPath(path, k));
            if (bad) return bad;
          }
        }
        seen.delete(v);
        return null;
      }
      default:
        return null;
    }
  };
  return walk(value, "");
}

/** Throw a BadOutputError when `value` holds something that must not be printed (see findBadValue). */
export function guardOutput(value: unknown, root?: string): void {
  const bad = findBadValue(value, root);
  if (bad) throw new BadOutputError(bad[0], bad[1]);
}

/** A line to print, checked: `where` names the stream in the error ("stdout line 3"). */
function guardLine(line: string, where: string): void {
  const m = BAD_TEXT.exec(line);
  if (!m) return;
  const at = Math.max(0, m.index - 30);
  const snippet = line.slice(at, m.index + m[0].length + 30).replace(/\s+/g, " ");
  throw new BadOutputError(where, `contains "${m[0]}" (…${snippet}…)`);
}

/**
 * Print `value` as JSON on stdout, after checking it holds no NaN, Infinity, undefined or
 * "[object Object]"; if it does, nothing is printed and a BadOutputError names the field (the CLI
 * entry reports it as an internal error, exit 1).
 */
export function printJson(value: unknown): void {
  guardOutput(value);
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}

let stdoutLines = 0;
/** Print one line of text on stdout, checked as printJson checks values (the bad line is never printed). */
export function out(line = ""): void {
  stdoutLines++;
  guardLine(line, `stdout line ${stdoutLines}`);
  process.stdout.write(line + "\n");
}

let quiet = false;
export function setQuiet(q: boolean): void {
  quiet = q;
}
/** Informational line on stderr (suppressed by --quiet). */
export function info(line: string): void {
  guardLine(line, "a note on stderr");
  if (!quiet) process.stderr.write(ce.dim(line) + "\n");
}

/**
 * Whether stdout may carry block characters (the ledger bar): a UTF-8 locale (LC_ALL, else
 * LC_CTYPE, else LANG, as POSIX orders them), or Windows Terminal / VS Code on Windows. Elsewhere
 * (a C locale, an unset one in a CI job) the bar is drawn in ASCII.
 */
export function unicodeOn(
  env: NodeJS.ProcessEnv = process.env,
  platform: string = process.platform,
): boolean {
  if (platform === "win32") return Boolean(env.WT_SESSION) || env.TERM_PROGRAM === "vscode";
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || "";
  return /utf-?8/i.test(locale);
}

/** Columns for a line drawn to fit the terminal: its width on a TTY, at most 80; 80 otherwise. */
export const lineWidth = (): number => Math.min(80, (process.stdout.isTTY && process.stdout.columns) || 80);
