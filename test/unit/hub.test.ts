import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { cachePath, fetchHubModel, type HubContext, hubOptions } from "../../src/models/hub.js";
import { resolveModel } from "../../src/models/resolve.js";
import {
  safetensorsHeader,
  type StTensor,
  TINY_LLAMA_CONFIG,
  TINY_LLAMA_PARAMS,
  tinyLlamaTensors,
} from "../fixtures/checkpoints.js";
import { type FakeFile, type FakeHub, type FakeRepo, jsonFile, startFakeHub } from "../fixtures/fake-hub.js";

const st = (tensors: StTensor[], pad?: number): FakeFile => safetensorsHeader(tensors, { pad });

/** A Hub repo of the tiny Llama in two shards with an index. */
function shardedRepo(): FakeRepo {
  const all = tinyLlamaTensors();
  const shards = {
    "model-00001-of-00002.safetensors": all.slice(0, 10),
    "model-00002-of-00002.safetensors": all.slice(10),
  };
  const weight_map: Record<string, string> = {};
  for (const [f, ts] of Object.entries(shards)) for (const t of ts) weight_map[t.name] = f;
  return {
    revisions: {
      main: {
        "config.json": jsonFile(TINY_LLAMA_CONFIG),
        "model.safetensors.index.json": jsonFile({ metadata: { total_size: 0 }, weight_map }),
        ...Object.fromEntries(Object.entries(shards).map(([f, ts]) => [f, st(ts)])),
      },
    },
  };
}

/** One model.safetensors whose header (300,000 bytes) is longer than the first range request. */
const PADDED = 300_000;
function singleRepo(): FakeRepo {
  const files = {
    "config.json": jsonFile(TINY_LLAMA_CONFIG),
    "model.safetensors": st(tinyLlamaTensors(), PADDED),
  };
  return { revisions: { main: files, "v1.0": files } };
}

/** The tiny Llama plus one 8192 × 8192 BF16 tensor (128 MiB of data the client must not download). */
function bigRepo(): FakeRepo {
  return {
    revisions: {
      main: {
        "config.json": jsonFile(TINY_LLAMA_CONFIG),
        "model.safetensors": st([
          ...tinyLlamaTensors(),
          { name: "model.extra.weight", dtype: "BF16", shape: [8192, 8192] },
        ]),
      },
    },
  };
}

const repos = (): Record<string, FakeRepo> => ({
  "org/tiny": shardedRepo(),
  "org/single": singleRepo(),
  "org/big": bigRepo(),
  "org/config-only": { revisions: { main: { "config.json": jsonFile(TINY_LLAMA_CONFIG) } } },
  "org/gated": { ...singleRepo(), gatedToken: "hf_secret" },
  "org/gguf-only": { revisions: { main: { "model-Q4_K_M.gguf": jsonFile("not really") } } },
});

const homes: string[] = [];
const newHome = () => {
  const h = mkdtempSync(join(tmpdir(), "llmdeploy-hfhome-"));
  homes.push(h);
  return h;
};

function ctx(id: string, env: Record<string, string>, revision = "main"): HubContext {
  return { id, revision, opts: hubOptions(env), suggestions: [] };
}

let hubs: FakeHub[] = [];
async function hub(opts: Partial<Parameters<typeof startFakeHub>[0]> = {}): Promise<FakeHub> {
  const h = await startFakeHub({ repos: repos(), ...opts });
  hubs.push(h);
  return h;
}
afterEach(async () => {
  await Promise.all(hubs.map((h) => h.close()));
  hubs = [];
});

describe("reading a model from the Hub", () => {
  it("config, index and each shard's header by range requests; the second run reads the cache", async () => {
    const h = await hub();
    const env = { HF_ENDPOINT: h.url, HF_HOME: newHome() };
    const { snapshot, fromCache } = await fetchHubModel(ctx("org/tiny", env));
    expect(fromCache).toBe(false);
    expect(snapshot.headers.map((x) => x.file)).toEqual([
      "model-00001-of-00002.safetensors",
      "model-00002-of-00002.safetensors",
    ]);
    expect(snapshot.headers.flatMap((x) => x.tensors)).toHaveLength(tinyLlamaTensors().length);
    const paths = h.requests.map((r) => r.path);
    expect(paths).toContain("/org/tiny/resolve/main/config.json");
    expect(paths).toContain("/org/tiny/resolve/main/model.safetensors.index.json");
    // Safetensors are redirected to the "CDN" and read with a Range header there.
    const cdn = h.requests.filter((r) => r.path.startsWith("/cdn/"));
    expect(cdn).toHaveLength(2);
    for (const r of cdn) {
      expect(r.range).toBe("bytes=0-262143");
      expect(r.status).toBe(206);
    }
    expect(existsSync(cachePath(hubOptions(env), "org/tiny", "main"))).toBe(true);

    await h.close();
    const again = await fetchHubModel(ctx("org/tiny", env));
    expect(again.fromCache).toBe(true);
    expect(again.snapshot.headers).toEqual(snapshot.headers);
    const offline = await fetchHubModel(ctx("org/tiny", { ...env, HF_HUB_OFFLINE: "1" }));
    expect(offline.fromCache).toBe(true);
  });

  it("a header longer than the first range takes a second range request, and no weight bytes", async () => {
    const h = await hub();
    const env = { HF_ENDPOINT: h.url, HF_HOME: newHome() };
    const { snapshot } = await fetchHubModel(ctx("org/single", env));
    expect(snapshot.index).toBeNull();
    const reads = h.requests.filter((r) => r.path === "/cdn/org/single/main/model.safetensors");
    expect(reads.map((r) => r.range)).toEqual(["bytes=0-262143", `bytes=262144-${8 + PADDED - 1}`]);
    // Exactly the 8-byte prefix and the header were sent; the 213,632 bytes of data never were.
    expect(reads.reduce((s, r) => s + r.sent, 0)).toBe(8 + PADDED);
  });

  it("a server that ignores Range: the client reads what it needs and hangs up", async () => {
    const h = await hub({ ignoreRange: true });
    const env = { HF_ENDPOINT: h.url, HF_HOME: newHome() };
    const { snapshot } = await fetchHubModel(ctx("org/big", env));
    expect(snapshot.headers[0]!.tensors.at(-1)).toMatchObject({
      name: "model.extra.weight",
      bytes: 8192 * 8192 * 2,
    });
    const sent = h.requests.filter((r) => r.path.startsWith("/cdn/")).reduce((s, r) => s + r.sent, 0);
    expect(sent).toBeLessThan(16 * 1024 * 1024); // of 134 MB
  });

  it("a revision after @ goes into the URL and the cache key", async () => {
    const h = await hub();
    const env = { HF_ENDPOINT: h.url, HF_HOME: newHome() };
    await fetchHubModel(ctx("org/single", env, "v1.0"));
    expect(h.requests[0]!.path).toBe("/org/single/resolve/v1.0/config.json");
    expect(existsSync(cachePath(hubOptions(env), "org/single", "v1.0"))).toBe(true);
    await expect(fetchHubModel(ctx("org/single", env, "nope"))).rejects.toThrow(
      /revision "nope" of org\/single was not found/,
    );
  });

  it("a repo without safetensors: config only", async () => {
    const h = await hub();
    const env = { HF_ENDPOINT: h.url, HF_HOME: newHome() };
    const { snapshot } = await fetchHubModel(ctx("org/config-only", env));
    expect(snapshot.headers).toEqual([]);
  });

  it("one retry after a 5xx", async () => {
    const h = await hub({ failFirst: ["/org/single/resolve/main/config.json"] });
    const env = { HF_ENDPOINT: h.url, HF_HOME: newHome() };
    await fetchHubModel(ctx("org/single", env));
    const cfg = h.requests.filter((r) => r.path.endsWith("config.json"));
    expect(cfg.map((r) => r.status)).toEqual([503, 200]);
  });
});

describe("Hub failures are UserErrors with a hint", () => {
  const fail = async (c: HubContext): Promise<UserError> => {
    const e = await fetchHubModel(c).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  };

  it("gated without a token: set HF_TOKEN and accept the licence", async () => {
    const h = await hub();
    const e = await fail(ctx("org/gated", { HF_ENDPOINT: h.url, HF_HOME: newHome() }));
    expect(e.message).toMatch(/org\/gated is gated or private on the Hugging Face Hub \(HTTP 401\)/);
    expect(e.hint).toMatch(/set HF_TOKEN and accept the model's licence on its Hub page/);
  });

  it("gated with the token from HF_TOKEN, or from the token file: it works", async () => {
    const h = await hub();
    await fetchHubModel(ctx("org/gated", { HF_ENDPOINT: h.url, HF_HOME: newHome(), HF_TOKEN: "hf_secret" }));
    expect(h.requests[0]!.authorization).toBe("Bearer hf_secret");
    const home = newHome();
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, "token"), "hf_secret\n");
    const { fromCache } = await fetchHubModel(ctx("org/gated", { HF_ENDPOINT: h.url, HF_HOME: home }));
    expect(fromCache).toBe(false);
  });

  it("a wrong token: the token has no access", async () => {
    const h = await hub();
    const e = await fail(ctx("org/gated", { HF_ENDPOINT: h.url, HF_HOME: newHome(), HF_TOKEN: "hf_wrong" }));
    expect(e.message).toMatch(/HF_TOKEN has no access/);
  });

  it("not found (the Hub's 401 RepoNotFound, or a bare 404), with similar catalog names", async () => {
    for (const missingRepo of ["hub", "404"] as const) {
      const h = await hub({ missingRepo });
      const e = await fail({
        ...ctx("org/nothing", { HF_ENDPOINT: h.url, HF_HOME: newHome() }),
        suggestions: ["qwen2.5-7b"],
      });
      expect(e.message).toBe("org/nothing is not in the catalog and was not found on the Hugging Face Hub");
      expect(e.hint).toMatch(/similar catalog models: qwen2.5-7b/);
    }
  });

  it("a repo without config.json (GGUF only): points at the local .gguf path", async () => {
    const h = await hub();
    const e = await fail(ctx("org/gguf-only", { HF_ENDPOINT: h.url, HF_HOME: newHome() }));
    expect(e.message).toBe("org/gguf-only has no config.json on the Hugging Face Hub");
    expect(e.hint).toMatch(/download the .gguf and pass its path/);
  });

  it("a timeout, retried once", async () => {
    const h = await hub({ hang: ["config.json"] });
    const e = await fail(
      ctx("org/single", { HF_ENDPOINT: h.url, HF_HOME: newHome(), LLMDEPLOY_HF_TIMEOUT_MS: "200" }),
    );
    expect(e.message).toMatch(/could not be reached: no answer within 0.2 s/);
    expect(h.requests.filter((r) => r.path.endsWith("config.json"))).toHaveLength(2);
  });

  it("nothing listening", async () => {
    const h = await hub();
    const url = h.url;
    await h.close();
    const e = await fail(ctx("org/single", { HF_ENDPOINT: url, HF_HOME: newHome() }));
    expect(e.message).toMatch(/could not be reached: ECONNREFUSED/);
  });

  it("offline with nothing cached", async () => {
    const e = await fail(
      ctx("org/single", { HF_ENDPOINT: "http://127.0.0.1:9", HF_HOME: newHome(), HF_HUB_OFFLINE: "1" }),
    );
    expect(e.message).toMatch(/HF_HUB_OFFLINE=1 while llmdeploy has no cached copy/);
  });
});

describe("resolveModel with a Hub id (environment as the CLI sees it)", () => {
  const saved = { ...process.env };
  let h: FakeHub;
  beforeAll(async () => {
    h = await startFakeHub({ repos: repos() });
    process.env.HF_ENDPOINT = h.url;
    process.env.HF_HOME = newHome();
    delete process.env.HF_TOKEN;
    delete process.env.HF_HUB_OFFLINE;
  });
  afterAll(async () => {
    process.env = saved;
    await h.close();
  });

  it("an id not in the catalog: exact counts from the shards' headers", async () => {
    const m = await resolveModel("org/tiny");
    expect(m).toMatchObject({ id: "org/tiny", name: "tiny", resolvedFrom: "hub", hfId: "org/tiny" });
    expect(m.checkpoint).toMatchObject({ params: TINY_LLAMA_PARAMS, loadedBytes: 2 * TINY_LLAMA_PARAMS });
    expect(m.note).toMatch(/read config.json and 2 safetensors headers .* from http:\/\/127.0.0.1/);
    const again = await resolveModel("org/tiny");
    expect(again.note).toMatch(/from the cache/);
  });

  it("org/name@revision", async () => {
    const m = await resolveModel("org/single@v1.0");
    expect(m.id).toBe("org/single@v1.0");
    expect(m.checkpoint?.params).toBe(TINY_LLAMA_PARAMS);
  });

  it("catalog models never touch the network", async () => {
    const before = h.requests.length;
    const m = await resolveModel("Qwen/Qwen2.5-7B-Instruct");
    expect(m.resolvedFrom).toBe("hf-id");
    expect(m.checkpoint).toBeUndefined();
    expect(h.requests.length).toBe(before);
  });

  it("not found suggests catalog names", async () => {
    await expect(resolveModel("Qwen/Qwen2.5-7B-Instrukt")).rejects.toThrow(UserError);
    const e = (await resolveModel("Qwen/Qwen2.5-7B-Instrukt").catch((x: unknown) => x)) as UserError;
    expect(e.hint).toMatch(/similar catalog models: .*Qwen\/Qwen2.5-7B-Instruct/);
  });
});
