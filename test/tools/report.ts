/**
 * Helpers for the report tests: a small reader for the report's HTML (the report writes every
 * attribute double-quoted and escaped, so a tag scanner is enough to read it back; the e2e test
 * also has Chromium parse it), and the scan for anything that would make a browser fetch from
 * the network.
 */

export interface Tag {
  name: string;
  attrs: Record<string, string>;
  close: boolean;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** Character references (&amp; &#47; &#x2F;) decoded. */
export function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#")
      return String.fromCodePoint(
        e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10),
      );
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

const TAG = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*(\/?)>/g;
const ATTR = /([\w:-]+)(?:="([^"]*)")?/g;

/** Every tag in document order, attributes decoded. */
export function tags(html: string): Tag[] {
  const out: Tag[] = [];
  for (const m of html.matchAll(TAG)) {
    const attrs: Record<string, string> = {};
    for (const a of (m[3] ?? "").matchAll(ATTR)) attrs[a[1]!.toLowerCase()] = decode(a[2] ?? "");
    out.push({ name: m[2]!.toLowerCase(), attrs, close: m[1] === "/" });
    if (m[4] === "/") out.push({ name: m[2]!.toLowerCase(), attrs: {}, close: true });
  }
  return out;
}

/** The text between tags (style content left out), decoded. */
export function textContent(html: string): string {
  return decode(html.replace(/<style>[\s\S]*?<\/style>/g, "").replace(TAG, " "));
}

const VOID = new Set(["meta", "br", "img", "link", "input", "hr"]);

/** Null when every element is closed in order; else the first problem. */
export function unbalanced(html: string): string | null {
  const stack: string[] = [];
  for (const t of tags(html)) {
    if (VOID.has(t.name)) continue;
    if (!t.close) stack.push(t.name);
    else if (stack.pop() !== t.name) return `</${t.name}> closes ${stack[stack.length] ?? "nothing"}`;
  }
  return stack.length ? `<${stack[stack.length - 1]}> is never closed` : null;
}

/** Attributes through which HTML or SVG can load something. */
const FETCHING = [
  "src",
  "href",
  "xlink:href",
  "action",
  "formaction",
  "poster",
  "srcset",
  "background",
  "data",
  "cite",
  "manifest",
  "ping",
  "longdesc",
  "codebase",
];
/** Elements that load or run something whatever their attributes say. */
const FORBIDDEN = [
  "script",
  "link",
  "iframe",
  "frame",
  "object",
  "embed",
  "base",
  "img",
  "audio",
  "video",
  "source",
  "track",
  "form",
  "image",
  "feimage",
];

/** Attributes whose value is CSS (or an SVG presentation attribute that takes url()). */
const CSS_ATTRS = ["style", "fill", "stroke", "filter", "clip-path", "mask", "cursor"];

const local = (v: string) => v.startsWith("#") || v.startsWith("data:");

/**
 * Everything in `html` through which a browser could make a network request (or run code), as
 * short descriptions; empty when there is none: "://" or "//" anywhere in the raw file, an
 * attribute that fetches with a value other than "#…" or "data:…", url() other than url(#…) or
 * url(data:…) in CSS or attributes, @import, an element that loads or runs something, an inline
 * event handler, a meta refresh.
 */
export function externalRefs(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/[a-z0-9+.-]*:?\/\/[^\s"'<>)]*/gi)) found.push(`"${m[0]}" in the file`);
  for (const t of tags(html)) {
    if (t.close) continue;
    if (FORBIDDEN.includes(t.name)) found.push(`<${t.name}> element`);
    for (const [k, v] of Object.entries(t.attrs)) {
      if (FETCHING.includes(k) && !local(v.trim())) found.push(`${k}="${v}" on <${t.name}>`);
      if (/^on/.test(k)) found.push(`event handler ${k} on <${t.name}>`);
      if (CSS_ATTRS.includes(k) || k.startsWith("marker"))
        for (const u of v.matchAll(/url\(\s*['"]?([^)'"]*)/gi))
          if (!local(u[1]!.trim())) found.push(`url(${u[1]}) in ${k} on <${t.name}>`);
    }
    if (t.name === "meta" && /refresh/i.test(t.attrs["http-equiv"] ?? "")) found.push("meta refresh");
  }
  const css = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!).join("\n");
  for (const u of css.matchAll(/url\(\s*['"]?([^)'"]*)/gi))
    if (!local(u[1]!.trim())) found.push(`url(${u[1]}) in CSS`);
  if (/@import/i.test(css)) found.push("@import in CSS");
  return found;
}

/** The structure of a document: tag names and attribute names in order, no values or text. */
export const structure = (html: string): string[] =>
  tags(html).map(
    (t) =>
      `${t.close ? "/" : ""}${t.name}${Object.keys(t.attrs)
        .map((k) => ` ${k}`)
        .join("")}`,
  );
