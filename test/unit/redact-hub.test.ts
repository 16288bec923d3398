import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { checkEndpoint, fetchHubModel, hubOptions } from "../../src/models/hub.js";
import { redactUrl } from "../../src/redact.js";
import { cleanText } from "../../src/sanitize.js";
import { jsonFile, type FakeHub, startFakeHub } from "../fixtures/fake-hub.js";
import { TINY_LLAMA_CONFIG } from "../fixtures/checkpoints.js";

describe("redactUrl", () => {
  it.each([
    ["http://user:pass@host/x", "http://***@host/x"],
    ["https://tok@hf.example.com", "https://***@hf.example.com"],
    ["http://u:p@ss@127.0.0.1:8080/a?b=c@d", "http://***@127.0.0.1:8080/a?b=c@d"],
    [
      "could not reach http://a:b@h1/ and https://c@h2/x",
      "could not reach http://***@h1/ and https://***@h2/x",
    ],
    ["https://huggingface.co/org/name", "https://huggingface.co/org/name"],
    ["mail me at someone@example.com", "mail me at someone@example.com"],
    ["", ""],
  ])("%s", (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});

describe("cleanText", () => {
  it("removes C0, DEL, C1 (NEL included), U+2028/2029 and bidi overrides; keeps other text", () => {
    expect(cleanText("a\u0000b\tc\nd\u001be\u007ff\u0085g\u009fh\u2028i\u2029j\u202ek\u2066l")).toBe(
      "abcdefghijkl",
    );
    expect(cleanText("Qwen2.5 – 日本語 ✓")).toBe("Qwen2.5 – 日本語 ✓");
  });
});

describe("HF_ENDPOINT with credentials is never echoed", () => {
  let hub: FakeHub | null = null;
  afterEach(async () => {
    await hub?.close();
    hub = null;
  });

  const refusal = async (endpoint: string): Promise<UserError> => {
    const opts = hubOptions({
      HF_ENDPOINT: endpoint,
      HF_HOME: mkdtempSync(join(tmpdir(), "llmdeploy-redact-")),
    });
    let err: unknown = null;
    try {
      await fetchHubModel({ id: "org/m", revision: "main", opts, suggestions: [] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  };

  it("user:pass in HF_ENDPOINT: refused before any request, the password nowhere in the message", async () => {
    hub = await startFakeHub({
      repos: { "org/m": { revisions: { main: { "config.json": jsonFile(TINY_LLAMA_CONFIG) } } } },
    });
    const withCreds = hub.url.replace("http://", "http://alice:s3cret-pw@");
    const e = await refusal(withCreds);
    expect(`${e.message} ${e.hint}`).not.toMatch(/s3cret-pw|alice/);
    expect(e.message).toContain("http://***@127.0.0.1");
    expect(e.hint).toMatch(/HF_TOKEN/);
    expect(hub.requests).toHaveLength(0);
  });

  it("an unparseable HF_ENDPOINT with credentials-like text is redacted too", async () => {
    const e = await refusal("ftp://bob:hunter2@files.example");
    expect(e.message).toBe('HF_ENDPOINT "ftp://***@files.example" is not an http(s) URL');
  });

  it("checkEndpoint accepts plain http(s) endpoints", () => {
    expect(() => checkEndpoint("https://huggingface.co")).not.toThrow();
    expect(() => checkEndpoint("http://127.0.0.1:8080/mirror")).not.toThrow();
    expect(() => checkEndpoint("not a url")).toThrow(/is not a URL/);
  });
});
