/**
 * Credentials out of what llmdeploy prints. Pure: text in, text out; no I/O.
 *
 * What is masked (each replaced by `***`):
 * - the userinfo of a URL, `scheme://user:password@host` -> `scheme://***@host` (RFC 3986 §3.2.1:
 *   "Use of the format "user:password" in the userinfo field is deprecated", yet still accepted by
 *   clients and used with servers behind HTTP basic authentication);
 * - the value of a query parameter whose name says it is a secret (`?token=`, `api_key=`,
 *   `X-Amz-Signature=`, `sig=`, `password=`, ...), as pre-signed URLs and some mirrors carry them;
 * - every string of `secrets` (an API key the server echoed back, say), when at least 4 characters.
 *
 * Used by `bench` for --url and the server's messages; meant for `src/models/hub.ts` (HF_ENDPOINT) too.
 */

export const MASK = "***";

/** Query parameter names that carry a secret (case-insensitive, anywhere in the name). */
const SECRET_PARAM = /token|key|secret|passw|pwd|sig|auth|credential|session/i;

/**
 * A URL fit to print: without userinfo, with secret query values masked. Takes a URL object (printed
 * normalised) or a string (masked as text, as written: see `redact`).
 */
export function redactUrl(url: URL | string): string {
  // A string is masked as written (no normalisation: what the user typed, less its credentials).
  if (typeof url === "string") return redact(url);
  let u: URL;
  try {
    u = new URL(url.href);
  } catch {
    return redact(String(url));
  }
  const hadUserinfo = u.username !== "" || u.password !== "";
  u.username = "";
  u.password = "";
  let s = u.href;
  if (hadUserinfo) s = s.replace(/^([a-z][a-z0-9+.-]*:\/\/)/i, `$1${MASK}@`);
  return maskQuery(s);
}

/**
 * `text` with every credential masked: the userinfo of each `scheme://...` token (up to the next
 * whitespace: everything from `://` to its last `@` before `?` or `#`), secret query values, and
 * each of `secrets`.
 */
export function redact(text: string, secrets: readonly (string | null | undefined)[] = []): string {
  let s = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) s = s.split(secret).join(MASK);
  }
  s = s.replace(/([a-z][a-z0-9+.-]*:\/\/)(\S*)/gi, (_m, scheme: string, rest: string) => {
    // The last @ before the query: a password may hold "/" or "@" (then the URL parser takes part
    // of it for the host and path), so everything up to there is masked; an @ in a path (rare) is
    // masked with it, which errs on the safe side.
    const end = rest.search(/[?#]/);
    const at = rest.lastIndexOf("@", end < 0 ? rest.length : end);
    return at < 0 ? scheme + rest : `${scheme}${MASK}@${rest.slice(at + 1)}`;
  });
  return maskQuery(s);
}

function maskQuery(s: string): string {
  return s.replace(/([?&;])([^=&\s#;]+)=([^&\s#;]*)/g, (m, sep: string, name: string, value: string) =>
    SECRET_PARAM.test(name) && value !== "" && value !== MASK ? `${sep}${name}=${MASK}` : m,
  );
}
