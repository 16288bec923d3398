/**
 * A minimal template language for the text files in templates/: `{{name}}` inserts a value that the
 * caller has already escaped for the target format (shell, nginx, Dockerfile, Markdown);
 * `{{#name}}…{{/name}}` keeps its body when the value is truthy, `{{^name}}…{{/name}}` when falsy.
 * An unknown name is an error, so a typo in a template cannot silently render an empty string.
 */
export type TemplateValues = Record<string, string | number | boolean | null | undefined>;

export function fillTemplate(name: string, template: string, values: TemplateValues): string {
  // A tag alone on its line takes its indentation and line break with it.
  const section = /[ \t]*\{\{([#^])([\w.]+)\}\}[ \t]*\n?([\s\S]*?)[ \t]*\{\{\/\2\}\}[ \t]*\n?/g;
  let text = template;
  // Sections may nest one level: resolve the innermost first, until none is left.
  for (let i = 0; i < 5 && section.test(text); i++) {
    section.lastIndex = 0;
    text = text.replace(section, (_m, kind: string, key: string, body: string) => {
      if (!(key in values)) throw new Error(`template ${name}: unknown section {{${kind}${key}}}`);
      const on = Boolean(values[key]);
      return (kind === "#" ? on : !on) ? body : "";
    });
  }
  return text.replace(/\{\{([\w.]+)\}\}/g, (_m, key: string) => {
    if (!(key in values)) throw new Error(`template ${name}: unknown value {{${key}}}`);
    const v = values[key];
    return v === null || v === undefined ? "" : String(v);
  });
}

/** A word for POSIX shells: single-quoted, with ' written as '\'' (newlines and $() stay literal). */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The inverse of shellQuote, for reading rendered scripts back: the words of one line of POSIX shell
 * made of bare characters, '...' (literal up to the next '), "..." without expansions, and
 * backslash escapes outside quotes. Throws on what it cannot read literally: an unterminated quote,
 * or $ ` \ inside double quotes and unquoted $ or ` (an expansion, whose value a file cannot say).
 * A `#` starting a word begins a comment.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`cannot read shell words (${why}): ${line}`);
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === " " || c === "\t") {
      if (word !== null) words.push(word);
      word = null;
      i++;
    } else if (c === "#" && word === null) {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) fail("unterminated '");
      word = (word ?? "") + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      const end = line.indexOf('"', i + 1);
      if (end < 0) fail('unterminated "');
      const body = line.slice(i + 1, end);
      if (/[$`\\]/.test(body)) fail("an expansion inside double quotes");
      word = (word ?? "") + body;
      i = end + 1;
    } else if (c === "\\") {
      if (i + 1 >= line.length) fail("a trailing backslash");
      word = (word ?? "") + line[i + 1];
      i += 2;
    } else if (c === "$" || c === "`") {
      fail("an expansion");
    } else {
      word = (word ?? "") + c;
      i++;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** A value inside Markdown inline code: one line (every control and line separator a space), backticks replaced. */
export function mdCode(s: string): string {
  // eslint-disable-next-line no-control-regex
  return "`" + s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ").replace(/`/g, "'") + "`";
}

/**
 * Plain Markdown text inside a line (a heading's text, a sentence): one line, and the characters
 * Markdown or HTML could read as syntax there (emphasis, code, links and images, tags and entities,
 * tables, strike-through, a heading's closing #) backslash-escaped (CommonMark: any ASCII punctuation
 * may be escaped), so a name renders as the characters it holds and adds nothing.
 */
export function mdText(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
      .trim()
      .replace(/[\\`*_[\]<>|~#!&]/g, (c) => `\\${c}`)
  );
}

/** Inline code inside a Markdown table cell: as mdCode, with `|` escaped so the cell stays whole. */
export function mdCell(s: string): string {
  return mdCode(s).replace(/\|/g, "\\|");
}
