import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cli } from "./helpers.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const examples = [
  "chat-7b",
  "llama-70b-int4",
  "deepseek-v3-multinode",
  "llamacpp-8b-workstation",
  "cpu-llamacpp",
];
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `llmdeploy-${name}-`));

describe("examples/deployments are what the specs plan and render to today", () => {
  for (const ex of examples) {
    it(ex, async () => {
      const dir = join(root, "examples/deployments", ex);
      // the committed plan is today's plan for the spec...
      const r = await cli(["plan", "--config", join(root, "examples/specs", `${ex}.yaml`), "--yaml"]);
      expect(r.exitCode).toBe(0);
      const committed = parse(readFileSync(join(dir, "plan.yaml"), "utf8"));
      expect(parse(r.stdout)).toEqual(committed);
      // ...and the committed files are what it renders to (byte for byte)
      const check = await cli(["render", join(dir, "plan.yaml"), "--out", dir, "--check"]);
      expect(check.exitCode, check.stdout + check.stderr).toBe(0);
    });
  }

  it("shapes: standalone compose, single-node TP on Kubernetes, multi-node LeaderWorkerSet", () => {
    const plan = (ex: string) =>
      parse(readFileSync(join(root, "examples/deployments", ex, "plan.yaml"), "utf8"));
    expect(plan("chat-7b").recommendation.mode).toBe("standalone");
    expect(existsSync(join(root, "examples/deployments/chat-7b/compose.yaml"))).toBe(true);
    expect(plan("llama-70b-int4").recommendation.tensorParallel).toBeGreaterThan(1);
    expect(plan("llama-70b-int4").recommendation.mode).toBe("single-node");
    expect(existsSync(join(root, "examples/deployments/llama-70b-int4/k8s/deployment.yaml"))).toBe(true);
    expect(plan("deepseek-v3-multinode").recommendation.mode).toBe("distributed");
    expect(
      existsSync(join(root, "examples/deployments/deepseek-v3-multinode/k8s/leaderworkerset.yaml")),
    ).toBe(true);
    expect(existsSync(join(root, "examples/deployments/deepseek-v3-multinode/ray-worker.sh"))).toBe(true);
  });
});

describe("every number comes from the plan", () => {
  it("the vLLM flags carry the plan's TP, PP, max model len, memory utilisation and batch limits", () => {
    const dir = join(root, "examples/deployments/llama-70b-int4");
    const plan = parse(readFileSync(join(dir, "plan.yaml"), "utf8"));
    const d = plan.recommendation;
    const script = readFileSync(join(dir, "launch-vllm.sh"), "utf8");
    const flag = (f: string) => new RegExp(`\\n  ${f}\\n  ([^\\n]+)\\n`).exec(script)?.[1];
    expect(flag("--tensor-parallel-size")).toBe(String(d.tensorParallel));
    expect(flag("--pipeline-parallel-size")).toBe(String(d.pipelineParallel));
    expect(flag("--max-model-len")).toBe(String(d.engine.maxModelLen));
    expect(flag("--gpu-memory-utilization")).toBe(String(d.engine.gpuMemoryUtilization));
    expect(flag("--max-num-seqs")).toBe(String(d.engine.maxNumSeqs));
    expect(flag("--max-num-batched-tokens")).toBe(String(d.engine.maxNumBatchedTokens));
    expect(script).not.toMatch(/--swap-space|--disable-log-requests/);
    const k8s = parse(readFileSync(join(dir, "k8s/deployment.yaml"), "utf8"));
    expect(k8s.spec.replicas).toBe(d.replicas);
    const engine = k8s.spec.template.spec.containers[0];
    expect(engine.resources.limits["nvidia.com/gpu"]).toBe(String(d.gpusPerNode));
    expect(engine.args).toContain(String(d.tensorParallel));
    const shm = k8s.spec.template.spec.volumes.find((v: { name: string }) => v.name === "dshm");
    expect(shm.emptyDir.sizeLimit).toBe(`${d.host.shmGiB}Gi`);
  });
});

describe("llmdeploy render: writing", () => {
  const plan = join(root, "examples/deployments/chat-7b/plan.yaml");

  it("writes a new folder, then finds it up to date; --dry-run and --check write nothing", async () => {
    const out = join(tmp("render"), "deploy");
    let r = await cli(["render", plan, "--out", out, "--dry-run"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^new\s+.*compose\.yaml$/m);
    expect(existsSync(out)).toBe(false);
    r = await cli(["render", plan, "--out", out]);
    expect(r.exitCode).toBe(0);
    expect(statSync(join(out, "launch-vllm.sh")).mode & 0o777).toBe(0o755);
    r = await cli(["render", plan, "--out", out, "--check"]);
    expect(r.exitCode).toBe(0);
    // drift: a hand edit is caught by --check and protected from overwriting without --force
    writeFileSync(join(out, "compose.yaml"), "# edited\n");
    r = await cli(["render", plan, "--out", out, "--check"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^changed\s+.*compose\.yaml$/m);
    r = await cli(["render", plan, "--out", out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/differ from what the plan renders: compose\.yaml/);
    expect(readFileSync(join(out, "compose.yaml"), "utf8")).toBe("# edited\n");
    r = await cli(["render", plan, "--out", out, "--force"]);
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(out, "compose.yaml"), "utf8")).toMatch(/^services:/m);
  });

  it("--generate-api-key writes secrets/api-keys.map with mode 0600 and says so", async () => {
    const out = join(tmp("keys"), "deploy");
    const r = await cli(["render", plan, "--out", out, "--generate-api-key"]);
    expect(r.exitCode).toBe(0);
    const keys = join(out, "secrets/api-keys.map");
    expect(statSync(keys).mode & 0o777).toBe(0o600);
    expect(readFileSync(keys, "utf8")).toMatch(/^"Bearer sk-[0-9a-f]{48}" 1;\n$/);
    expect(r.stderr).toMatch(/mode 0600/);
    expect(r.stdout + r.stderr).not.toContain(readFileSync(keys, "utf8").slice(8, 40));
  });

  it("bad input: one line and a hint, and no folder written", async () => {
    const dir = tmp("bad");
    const out = join(dir, "never");
    let r = await cli(["render", join(dir, "missing.yaml"), "--out", out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/does not exist/);
    writeFileSync(join(dir, "broken.yaml"), "kind: Plan\n  apiVersion: [\n");
    r = await cli(["render", join(dir, "broken.yaml"), "--out", out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/not valid YAML/);
    writeFileSync(join(dir, "other.yaml"), "apiVersion: v1\nkind: ConfigMap\n");
    r = await cli(["render", join(dir, "other.yaml"), "--out", out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/not an llmdeploy\/v1 Plan/);
    const bad = parse(readFileSync(plan, "utf8"));
    bad.recommendation.engine.image = "vllm/vllm-openai:latest";
    writeFileSync(join(dir, "latest.yaml"), JSON.stringify(bad));
    r = await cli(["render", join(dir, "latest.yaml"), "--out", out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/pinned image/);
    r = await cli(["render", plan]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/--out DIR is required/);
    expect(existsSync(out)).toBe(false);
    for (const line of r.stderr.trim().split("\n")) expect(line).toMatch(/^(error|hint):/);
  });

  it("a target that cannot be written leaves nothing behind", async () => {
    const dir = tmp("blocked");
    writeFileSync(join(dir, "afile"), "x");
    const r = await cli(["render", plan, "--out", join(dir, "afile", "deploy")]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot write/m);
    expect(readdirSync(dir)).toEqual(["afile"]);
  });
});
