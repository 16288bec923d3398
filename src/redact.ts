/**
 * Credentials never leave in a message: `redactUrl` replaces the userinfo of every URL in a string
 * (`http://user:pass@host/x` -> `http://***@host/x`). Pure; the rest of the string is unchanged.
 *
 * The userinfo is everything between `scheme://` and the last `@` before the host ends (WHATWG URL
 * standard, "authority state": the last `@` wins), so `http://u:p@ss@host` hides `u:p@ss`.
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@]*(?:@[^/?#\s@]*)*@/gi;

export function redactUrl(url: string): string {
  return url.replace(USERINFO, "$1***@");
}
