// Every rendered file is checked by the tool that consumes it, on the fixture plans at every packaging
// and security level and with every engine: shellcheck and bash (with stand-ins for the engines),
// a Dockerfile linter (dockerfile-utils), the compose-spec JSON schema and docker-compose config,
// Kubernetes schemas (kubernetes-models), promtool, nginx -t, and a live nginx in front of a fake
// streaming engine. System tools come from .ci/apt-packages (bash .ci/run installs them); a missing
// one fails under CI and is skipped with a note elsewhere (requireTool).
import { validate as lintDockerfile } from "dockerfile-utils";
import { execa } from "execa";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type IncomingMessage, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import type { Plan } from "../../src/contract/plan.js";
import { engineModule } from "../../src/engines/index.js";
import { engineCommand, type RenderedFile } from "../../src/render/index.js";
import { requireTool } from "./helpers.js";
import {
  composeSchemaValidator,
  enginePlans,
  validateK8sObject,
  fakeEngine,
  type FakeEngine,
  FIXTURES,
  type FixtureName,
  loadFixture,
  prepareNginx,
  renderPlan,
  variant,
  writeTree,
} from "../tools/render.js";

const work = mkdtempSync(join(tmpdir(), "llmdeploy-render-tools-"));
chmodSync(work, 0o755);

interface Case {
  name: string;
  plan: Plan;
  files: RenderedFile[];
  dir: string;
}

/** The fixtures at both packagings and every security level, and every engine. */
function matrix(): Case[] {
  const plans: [string, Plan][] = [];
  for (const fixture of Object.keys(FIXTURES) as FixtureName[]) {
    for (const packaging of ["compose", "kubernetes"] as const) {
      for (const security of ["basic", "enhanced", "enterprise"] as const) {
        plans.push([
          `${fixture}-${packaging}-${security}`,
          variant(loadFixture(fixture), (p) => {
            p.spec.packaging = packaging;
            p.spec.security = security;
          }),
        ]);
      }
    }
  }
  // every engine × packaging, as the planner makes them (test/tools/render.ts enginePlans)
  for (const { name, plan } of enginePlans()) plans.push([`engine-${name}`, plan]);
  for (const packaging of ["compose", "kubernetes"] as const) {
    plans.push([
      `sglang-multi-node-${packaging}`,
      variant(loadFixture("multi-node"), (p) => {
        p.recommendation.engine.name = "sglang";
        p.spec.packaging = packaging;
      }),
    ]);
  }
  plans.push([
    "llamacpp-cpu",
    variant(loadFixture("llamacpp-gguf"), (p) => {
      p.recommendation.deviceKind = "cpu";
      p.recommendation.engine.image = "";
    }),
  ]);
  return plans.map(([name, plan]) => {
    const files = renderPlan(plan);
    const dir = join(work, name);
    writeTree(dir, files);
    return { name, plan, files, dir };
  });
}

const cases = matrix();

/** Every rendered file whose path matches, once per distinct content. */
function distinct(match: (path: string) => boolean): { c: Case; f: RenderedFile; path: string }[] {
  const seen = new Set<string>();
  const out: { c: Case; f: RenderedFile; path: string }[] = [];
  for (const c of cases) {
    for (const f of c.files) {
      if (!match(f.path)) continue;
      const h = createHash("sha256").update(f.content).digest("hex");
      if (seen.has(h)) continue;
      seen.add(h);
      out.push({ c, f, path: join(c.dir, f.path) });
    }
  }
  return out;
}

/** Runs `fn` over items, `width` at a time. */
async function pool<T>(items: T[], width: number, fn: (t: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let t = queue.shift(); t !== undefined; t = queue.shift()) await fn(t);
    }),
  );
}

describe("shell scripts", () => {
  it("shellcheck passes on every script", async (ctx) => {
    await requireTool("shellcheck", ctx);
    const scripts = distinct((p) => p.endsWith(".sh"));
    expect(scripts.length).toBeGreaterThanOrEqual(10);
    const r = await execa("shellcheck", ["--shell=bash", ...scripts.map((s) => s.path)], { reject: false });
    expect(r.exitCode, r.stdout).toBe(0);
  });

  /** Stand-ins on PATH that print the argv (and HF_TOKEN) they were given, as JSON. */
  function fakeBin(
    names: string[],
    body = "console.log(JSON.stringify({ argv: process.argv.slice(2), token: process.env.HF_TOKEN ?? null }));",
  ): string {
    const bin = mkdtempSync(join(work, "bin-"));
    for (const n of names) writeFileSync(join(bin, n), `#!${process.execPath}\n${body}\n`, { mode: 0o755 });
    return bin;
  }
  const run = (script: string, bin: string, env: Record<string, string> = {}, args: string[] = []) =>
    execa("bash", [script, ...args], {
      // in the test's own folder: an injected `touch llmdeploy-pwned` would land here
      cwd: work,
      env: { PATH: `${bin}:${process.env.PATH}`, HF_TOKEN_FILE: "/nonexistent", ...env },
      extendEnv: false,
      reject: false,
      timeout: 10_000,
    });

  it("each engine receives exactly the plan's arguments, hostile strings included, and extra ones after", async () => {
    const bin = fakeBin(["vllm", "python3", "trtllm-serve", "text-generation-launcher"]);
    for (const c of cases.filter((x) =>
      /^(standalone|hostile|single-node-tp4)-compose-basic$|^(sglang|trtllm|tgi)-compose$/.test(x.name),
    )) {
      const cmd = engineCommand(c.plan);
      const r = await run(join(c.dir, `launch-${cmd.engine}.sh`), bin, {}, ["--extra", "it's"]);
      expect(r.exitCode, `${c.name}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout).argv, c.name).toEqual([...cmd.args, "--extra", "it's"]);
    }
    expect(existsSync(join(work, "llmdeploy-pwned"))).toBe(false);
  });

  it("the Hugging Face token comes from the secret file, and only when there is one", async () => {
    const bin = fakeBin(["vllm"]);
    const script = join(work, "standalone-compose-basic", "launch-vllm.sh");
    const token = join(work, "hf_token");
    writeFileSync(token, "hf_test_token_value\n", { mode: 0o600 });
    let r = await run(script, bin, { HF_TOKEN_FILE: token });
    expect(JSON.parse(r.stdout).token).toBe("hf_test_token_value");
    writeFileSync(token, "");
    r = await run(script, bin, { HF_TOKEN_FILE: token });
    expect(JSON.parse(r.stdout).token).toBeNull();
    r = await run(script, bin, { HF_TOKEN_FILE: token, HF_TOKEN: "from-env" });
    expect(JSON.parse(r.stdout).token).toBe("from-env");
  });

  it("multi-node: every node runs the launch script with its rank and node 0's address (vLLM, SGLang)", async () => {
    const bin = fakeBin(["vllm", "python3"]);
    const plan = cases.find((c) => c.name === "multi-node-compose-basic")!.plan;
    const args = engineCommand(plan).args;
    const script = join(work, "multi-node-compose-basic", "launch-vllm.sh");
    // node 0 serves the API
    const head = await run(script, bin, { NODE_RANK: "0", LEADER_ADDRESS: "10.0.0.1" });
    expect(head.exitCode, head.stderr).toBe(0);
    expect(JSON.parse(head.stdout).argv).toEqual([
      ...args,
      "--node-rank",
      "0",
      "--master-addr",
      "10.0.0.1",
      "--master-port",
      "29501",
    ]);
    // the other node, from the LeaderWorkerSet's variables: headless
    const follower = await run(script, bin, { LWS_WORKER_INDEX: "1", LWS_LEADER_ADDRESS: "svc-0.svc" });
    expect(follower.exitCode, follower.stderr).toBe(0);
    expect(JSON.parse(follower.stdout).argv.slice(-7)).toEqual([
      "--node-rank",
      "1",
      "--master-addr",
      "svc-0.svc",
      "--master-port",
      "29501",
      "--headless",
    ]);
    // without a rank or an address: one line, no engine started
    const missing = await run(script, bin, { LEADER_ADDRESS: "10.0.0.1" });
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stderr).toMatch(/set NODE_RANK/);
    expect(missing.stdout).toBe("");
    const bad = await run(script, bin, { NODE_RANK: "7", LEADER_ADDRESS: "10.0.0.1" });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/NODE_RANK must be a whole number from 0 to 1, got 7/);
    // SGLang: every node has its rank and --dist-init-addr, no --headless
    const sglang = join(work, "sglang-multi-node-compose", "launch-sglang.sh");
    const r = await run(sglang, bin, { NODE_RANK: "1", LEADER_ADDRESS: "10.0.0.1" });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).argv.slice(-4)).toEqual([
      "--node-rank",
      "1",
      "--dist-init-addr",
      "10.0.0.1:5000",
    ]);
  });

  it("Ollama serves, pulls the plan's model (hostile names stay literal), and keeps serving", async () => {
    const bin = mkdtempSync(join(work, "bin-"));
    const log = join(bin, "calls.log");
    writeFileSync(
      join(bin, "ollama"),
      `#!${process.execPath}\nconst fs = require("node:fs");\nfs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + "\\n");\nif (process.argv[2] === "serve") setTimeout(() => {}, 300);\n`,
      { mode: 0o755 },
    );
    const plan = variant(loadFixture("hostile"), (p) => {
      p.recommendation.engine.name = "ollama";
      p.model.id = "qwen2.5:7b'$(touch llmdeploy-pwned)";
    });
    const dir = join(work, "ollama-hostile");
    writeTree(dir, renderPlan(plan));
    const r = await run(join(dir, "launch-ollama.sh"), bin);
    expect(r.exitCode, r.stderr).toBe(0);
    const calls = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as string[]);
    expect(calls).toContainEqual(["serve"]);
    expect(calls).toContainEqual(["pull", plan.model.id]);
    expect(existsSync(join(work, "llmdeploy-pwned"))).toBe(false);
  });
});

describe("Dockerfile", () => {
  it("lints clean (dockerfile-utils): pinned base, non-root user, exec-form entrypoint and health check", () => {
    const files = distinct((p) => p === "Dockerfile");
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const { c, f } of files) {
      expect(
        lintDockerfile(f.content).map((d) => `${d.range.start.line + 1}: ${d.message}`),
        c.name,
      ).toEqual([]);
      expect(f.content).toMatch(/^FROM [^\s:]+(:[^\s:]+)+$/m);
      expect(f.content).not.toMatch(/^FROM .*:latest$/m);
      const users = [...f.content.matchAll(/^USER (\S+)$/gm)].map((m) => m[1]);
      // uid 10001 unless the engine's image only works as root (TGI)
      expect(users.at(-1)).toBe(
        engineModule(c.plan.recommendation.engine.name).runsAsNonRoot ? "10001" : "root",
      );
      const entry = /^ENTRYPOINT (.*)$/m.exec(f.content)?.[1];
      expect(Array.isArray(JSON.parse(entry!))).toBe(true);
      const health = /^ {2}CMD (.*)$/m.exec(f.content)?.[1];
      expect(Array.isArray(JSON.parse(health!))).toBe(true);
    }
  });
});

describe("compose", () => {
  const composeFiles = () => distinct((p) => /^compose(\.worker)?\.yaml$/.test(p));
  const env = { NODE_RANK: "1", LEADER_ADDRESS: "10.0.0.1" };

  it("every compose file validates against the compose-spec JSON schema, without a version key", () => {
    const check = composeSchemaValidator();
    const files = composeFiles();
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const { c, f } of files) {
      const doc = parse(f.content);
      expect(check(doc), `${c.name}/${f.path}: ${JSON.stringify(check.errors, null, 1)}`).toBe(true);
      expect(doc).not.toHaveProperty("version");
    }
  });

  it("docker-compose config accepts every compose file (and the compose plugin, where installed)", async (ctx) => {
    await requireTool("docker-compose", ctx);
    const plugin = (await execa("docker", ["compose", "version"], { reject: false })).exitCode === 0;
    await pool(composeFiles(), 8, async ({ c, f, path }) => {
      const r = await execa("docker-compose", ["-f", path, "config", "-q"], {
        cwd: c.dir,
        env,
        reject: false,
      });
      expect(r.exitCode, `${c.name}/${f.path}: ${r.stderr}`).toBe(0);
      if (plugin) {
        const p = await execa("docker", ["compose", "-f", path, "config", "-q"], {
          cwd: c.dir,
          env,
          reject: false,
        });
        expect(p.exitCode, `${c.name}/${f.path}: ${p.stderr}`).toBe(0);
      }
    });
  }, 180_000); // ~40 docker-compose runs: 2.6 s each on a loaded 2-core machine

  it("hostile strings survive compose's interpolation exactly", async (ctx) => {
    await requireTool("docker-compose", ctx);
    const c = cases.find((x) => x.name === "hostile-compose-basic")!;
    const r = await execa("docker-compose", ["-f", join(c.dir, "compose.yaml"), "config"], { cwd: c.dir });
    const volumes = parse(r.stdout).services.engine.volumes as { type: string; source: string }[];
    // config prints the file back in compose syntax ($ doubled again) with the path normalised
    const source = volumes.find((v) => v.type === "bind")!.source.replace(/\$\$/g, "$");
    expect(source).toBe(c.plan.recommendation.engine.modelRef.replace(/\/+$/, ""));
  });
});

describe("Kubernetes", () => {
  it("every manifest validates against the Kubernetes schemas (LeaderWorkerSet, ScaledObject: their fields)", async () => {
    const kinds = new Set<string>();
    for (const { c, f } of distinct((p) => p.startsWith("k8s/"))) {
      for (const d of parseAllDocuments(f.content))
        kinds.add(await validateK8sObject(d.toJS(), `${c.name}/${f.path}`));
    }
    expect([...kinds].sort()).toEqual([
      "apps/v1/StatefulSet",
      "keda.sh/v1alpha1/ScaledObject",
      "leaderworkerset.x-k8s.io/v1/LeaderWorkerSet",
      "networking.k8s.io/v1/NetworkPolicy",
      "policy/v1/PodDisruptionBudget",
      "v1/ConfigMap",
      "v1/Service",
    ]);
  });

  it("GPU limits, /dev/shm in memory, startup/readiness/liveness probes, non-root, secrets by reference", () => {
    const c = cases.find((x) => x.name === "single-node-tp4-kubernetes-enhanced")!;
    const sts = parse(readFileSync(join(c.dir, "k8s/statefulset.yaml"), "utf8"));
    const pod = sts.spec.template.spec;
    const engine = pod.containers.find((x: { name: string }) => x.name === "engine");
    expect(engine.resources.limits["nvidia.com/gpu"]).toBe("4");
    expect(pod.volumes.find((v: { name: string }) => v.name === "dshm").emptyDir.medium).toBe("Memory");
    for (const p of ["startupProbe", "readinessProbe", "livenessProbe"])
      expect(engine[p].httpGet.path).toBe("/health");
    expect(engine.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    // the model cache is a claim per pod, sized from the checkpoint (plan host.diskGiB)
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(
      `${c.plan.recommendation.host.diskGiB}Gi`,
    );
    expect(pod.volumes.find((v: { name: string }) => v.name === "api-keys").secret.secretName).toBe(
      "llama-3-3-70b-api-keys",
    );
  });
});

describe("monitoring", () => {
  it("promtool accepts every scrape configuration and every rule file", async (ctx) => {
    await requireTool("promtool", ctx);
    const configs = distinct((p) => p === "monitoring/prometheus.yml");
    const rules = distinct((p) => p === "monitoring/alerts.yml");
    expect(rules.length).toBeGreaterThanOrEqual(5);
    const c = await execa("promtool", ["check", "config", ...configs.map((x) => x.path)], { reject: false });
    expect(c.exitCode, c.stdout + c.stderr).toBe(0);
    const r = await execa("promtool", ["check", "rules", ...rules.map((x) => x.path)], { reject: false });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  });
});

// ---------------------------------------------------------------- nginx

/** nginx.conf in both flavours: compose (nginx/nginx.conf) and Kubernetes (the ConfigMap's). */
function nginxConfs(): { name: string; conf: string }[] {
  const seen = new Set<string>();
  const out: { name: string; conf: string }[] = [];
  for (const c of cases) {
    const confs: [string, string | undefined][] = [
      [`${c.name}/nginx.conf`, c.files.find((f) => f.path === "nginx/nginx.conf")?.content],
    ];
    const cm = c.files.find((f) => f.path === "k8s/nginx-configmap.yaml");
    if (cm) confs.push([`${c.name}/k8s`, parse(cm.content).data["nginx.conf"] as string]);
    for (const [name, conf] of confs) {
      if (!conf || seen.has(conf)) continue;
      seen.add(conf);
      out.push({ name, conf });
    }
  }
  return out;
}

const prepare = (conf: string, upstream: number) => prepareNginx(work, conf, upstream);

describe("nginx", () => {
  it("nginx -t accepts every rendered configuration (both flavours, every level)", async (ctx) => {
    await requireTool("nginx", ctx);
    await requireTool("openssl", ctx);
    const confs = nginxConfs();
    expect(confs.length).toBeGreaterThanOrEqual(12);
    for (const { name, conf } of confs) {
      const { dir, file } = await prepare(conf, 9);
      const r = await execa("nginx", ["-t", "-q", "-p", dir, "-c", file, "-e", join(dir, "startup.log")], {
        reject: false,
      });
      expect(r.exitCode, `${name}: ${r.stderr}`).toBe(0);
    }
  }, 60_000);

  describe("live, in front of a fake streaming engine", () => {
    let engine: FakeEngine;
    const running: { kill(): boolean }[] = [];

    beforeAll(async () => {
      engine = await fakeEngine(5, 150);
    });
    afterAll(async () => {
      for (const p of running) p.kill();
      await engine?.close();
    });

    async function start(conf: string): Promise<{ http: number; https: number; dir: string }> {
      const { dir, file, ports } = await prepare(conf, engine.port);
      const p = execa("nginx", ["-p", dir, "-c", file, "-e", join(dir, "startup.log"), "-g", "daemon off;"], {
        reject: false,
      });
      running.push(p);
      for (let i = 0; i < 100; i++) {
        const up = await call(ports.http, "/health", null).then(
          () => true,
          () => false,
        );
        if (up) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      return { http: ports.http, https: ports.https, dir };
    }

    interface Reply {
      status: number;
      body: string;
      headers: IncomingMessage["headers"];
      /** When each chunk arrived, in ms after the request was sent. */
      chunkMs: number[];
      totalMs: number;
    }
    function call(port: number, path: string, key: string | null, tls = false): Promise<Reply> {
      return new Promise((resolve, reject) => {
        const t0 = Date.now();
        const chunkMs: number[] = [];
        const post = path.startsWith("/v1");
        const opts = {
          host: "127.0.0.1",
          port,
          path,
          method: post ? "POST" : "GET",
          headers: {
            ...(key ? { authorization: `Bearer ${key}` } : {}),
            ...(post ? { "content-type": "application/json" } : {}),
          },
          rejectUnauthorized: false,
        };
        const onRes = (res: IncomingMessage) => {
          let body = "";
          res.on("data", (b: Buffer) => {
            chunkMs.push(Date.now() - t0);
            body += b.toString();
          });
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              body,
              headers: res.headers,
              chunkMs,
              totalMs: Date.now() - t0,
            }),
          );
        };
        const req = tls ? httpsRequest(opts, onRes) : httpRequest(opts, onRes);
        req.on("error", reject);
        req.end(post ? '{"model":"m","stream":true,"messages":[]}' : undefined);
      });
    }

    /** The same rules on every level: keys, streaming, /metrics closed, /health open. */
    async function expectRules(port: number, tls: boolean) {
      expect((await call(port, "/v1/chat/completions", null, tls)).status).toBe(401);
      expect((await call(port, "/v1/chat/completions", "wrong-key", tls)).status).toBe(401);
      const before = engine.seen.length;
      const ok = await call(port, "/v1/chat/completions", "good-key", tls);
      expect(ok.status).toBe(200);
      expect(ok.body.match(/^data: /gm)?.length).toBe(6);
      expect(ok.body).toContain("data: [DONE]");
      // streamed: the first token arrives long before the engine finishes (5 chunks, 150 ms apart),
      // in several pieces
      expect(ok.chunkMs[0]!).toBeLessThan(ok.totalMs - 400);
      expect(ok.chunkMs.length).toBeGreaterThanOrEqual(3);
      // the client's key stays at nginx
      expect(engine.seen.slice(before).map((h) => h.authorization ?? null)).toEqual([null]);
      expect((await call(port, "/metrics", "good-key", tls)).status).toBe(403);
      const health = await call(port, "/health", null, tls);
      expect(health.status).toBe(200);
      expect(health.body).toBe("ok");
    }

    const confOf = (name: string, path = "nginx/nginx.conf") => {
      const c = cases.find((x) => x.name === name)!;
      const f = c.files.find((x) => x.path === path)!.content;
      return path.endsWith(".yaml") ? (parse(f).data["nginx.conf"] as string) : f;
    };

    it("basic: 401 without or with a wrong key, streamed chunks with the right one, /metrics 403, /health 200", async (ctx) => {
      await requireTool("nginx", ctx);
      await requireTool("openssl", ctx);
      const { http } = await start(confOf("standalone-compose-basic"));
      await expectRules(http, false);
    });

    it("enhanced (Kubernetes sidecar flavour): HTTP redirects to HTTPS, where the same rules hold", async (ctx) => {
      await requireTool("nginx", ctx);
      await requireTool("openssl", ctx);
      const conf = confOf("single-node-tp4-kubernetes-enhanced", "k8s/nginx-configmap.yaml");
      const { http, https } = await start(conf);
      const redirect = await call(http, "/v1/chat/completions", "good-key");
      expect(redirect.status).toBe(301);
      expect(redirect.headers.location).toMatch(/^https:\/\//);
      expect((await call(http, "/health", null)).status).toBe(200);
      await expectRules(https, true);
    });

    it("enterprise: the same rules over TLS, and one JSON audit line per request", async (ctx) => {
      await requireTool("nginx", ctx);
      await requireTool("openssl", ctx);
      const { https, dir } = await start(confOf("multi-node-compose-enterprise"));
      await expectRules(https, true);
      const logs = readFileSync(join(dir, "access.log"), "utf8").trim().split("\n");
      const last = JSON.parse(logs.at(-1)!);
      expect(last).toMatchObject({ uri: "/health", status: 200 });
      expect(logs.join("\n")).not.toContain("good-key");
    });

    it("the rate limit answers 429 past the plan's rate and burst", async (ctx) => {
      await requireTool("nginx", ctx);
      await requireTool("openssl", ctx);
      const plan = variant(loadFixture("standalone"), (p) => {
        p.spec.security = "enhanced";
        p.recommendation.performance.requestsPerSec = 0.1;
        p.recommendation.performance.capacity = 2;
      });
      const conf = renderPlan(plan).find((f) => f.path === "nginx/nginx.conf")!.content;
      expect(conf).toContain("rate=1r/s");
      expect(conf).toContain("burst=2 nodelay");
      const { https } = await start(conf);
      const replies = await Promise.all(
        Array.from({ length: 6 }, () => call(https, "/v1/chat/completions", "good-key", true)),
      );
      const codes = replies.map((r) => r.status).sort();
      expect(codes.filter((s) => s === 200).length).toBeLessThanOrEqual(3);
      expect(codes).toContain(429);
    });
  });
});

afterAll(() => {
  // KEEP_RENDER_TOOLS=1 keeps the rendered folders for a look after a failure.
  if (!process.env.KEEP_RENDER_TOOLS) rmSync(work, { recursive: true, force: true });
});
