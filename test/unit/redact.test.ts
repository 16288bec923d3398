import { describe, expect, it } from "vitest";
import { MASK, redact, redactUrl } from "../../src/redact.js";

describe("credentials are masked before anything is printed", () => {
  it("a URL's userinfo, whole or user only; the rest of the URL is kept", () => {
    expect(redactUrl("http://user:pass@host:8000/v1")).toBe(`http://${MASK}@host:8000/v1`);
    expect(redactUrl(new URL("https://alice@llm.internal/"))).toBe(`https://${MASK}@llm.internal/`);
    // a string is masked as written, not normalised
    expect(redactUrl("http://localhost:8000")).toBe("http://localhost:8000");
  });

  it("in text: valid URLs, URLs that do not parse (a bad port, a password with / or @), several at once", () => {
    expect(redact("--url http://u:s3cret@127.0.0.1:99999 is not a URL")).toBe(
      `--url http://${MASK}@127.0.0.1:99999 is not a URL`,
    );
    expect(redact("GET http://u:p@ss/w@rd@host/v1/models failed")).toBe(
      `GET http://${MASK}@host/v1/models failed`,
    );
    const t = redact("a http://a:b@h1/x and https://c:d@h2:9 end");
    expect(t).toBe(`a http://${MASK}@h1/x and https://${MASK}@h2:9 end`);
    expect(t).not.toMatch(/a:b|c:d/);
    // no userinfo: unchanged
    expect(redact("see http://host/path?q=1 and mail@example.com")).toBe(
      "see http://host/path?q=1 and mail@example.com",
    );
  });

  it("secret query values (token, key, signature), keeping the others", () => {
    expect(redact("https://h/f?token=abc&rev=main&X-Amz-Signature=ff00")).toBe(
      `https://h/f?token=${MASK}&rev=main&X-Amz-Signature=${MASK}`,
    );
    expect(redactUrl("https://h/f?api_key=k1&page=2")).toBe(`https://h/f?api_key=${MASK}&page=2`);
  });

  it("given secrets wherever they appear (a server echoing the key); short strings are left alone", () => {
    expect(redact("invalid key sk-abc123 for model", ["sk-abc123", null, "ab"])).toBe(
      `invalid key ${MASK} for model`,
    );
  });
});
