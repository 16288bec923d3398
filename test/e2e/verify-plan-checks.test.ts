/**
 * verify as a user runs it: --deployment on a copy of a committed example edited by hand (each
 * setting that differs from the plan named with its file and line; the image where it is set), and
 * a hand-edited or truncated plan.yaml refused in one line naming the field, with --deployment and
 * with --log --plan.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const LOG = join(ROOT, "test/fixtures/vllm-logs/qwen2-7b-a100-tp1.log");

/** A copy of examples/deployments/<name> in a temporary folder. */
function copyOf(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "llmdeploy-verify-edit-")), name);
  cpSync(join(ROOT, "examples/deployments", name), dir, { recursive: true });
  return dir;
}

/** Replaces the `n`-th line (1-based) holding exactly `from` (trimmed) by `to`; returns its line number. */
function editLine(file: string, from: string, to: string): number {
  const lines = readFileSync(file, "utf8").split("\n");
  const i = lines.findIndex((l) => l.trim() === from);
  expect(i, `${from} in ${file}`).toBeGreaterThanOrEqual(0);
  lines[i] = lines[i]!.replace(from, to);
  writeFileSync(file, lines.join("\n"));
  return i + 1;
}

/** The line after the one holding exactly `flag`: its value's line. */
function valueLineAfter(file: string, flag: string): [number, string] {
  const lines = readFileSync(file, "utf8").split("\n");
  const i = lines.findIndex((l) => l.trim() === flag);
  expect(i, `${flag} in ${file}`).toBeGreaterThanOrEqual(0);
  return [i + 2, lines[i + 1]!.trim()];
}

describe("verify --deployment names the file and line of each setting edited away from the plan", () => {
  it("compose: --max-model-len and --max-num-seqs in the script, the image in the Dockerfile", async () => {
    const dir = copyOf("chat-7b");
    const script = join(dir, "launch-vllm.sh");
    // before: a context edited from 8192 to 4096 passed (the KV cache per replica barely moves)
    const [ctxLine, ctx] = valueLineAfter(script, "--max-model-len");
    expect(ctx).toBe("8192");
    editLine(script, "8192", "4096");
    let r = await cli(["verify", "--deployment", dir]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual([
      `error: launch-vllm.sh:${ctxLine}: max model len 4096 (the plan: 8192)`,
    ]);

    const [seqLine] = valueLineAfter(script, "--max-num-seqs");
    editLine(script, "256", "128");
    // before: the image was said to be launch-vllm.sh's; it is the Dockerfile's FROM
    const fromLine = editLine(
      join(dir, "Dockerfile"),
      "FROM vllm/vllm-openai:v0.28.0",
      "FROM vllm/vllm-openai:v0.27.0",
    );
    r = await cli(["verify", "--deployment", dir, "--json"]);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      mismatches: [
        `Dockerfile:${fromLine}: image vllm/vllm-openai:v0.27.0 (the plan: vllm/vllm-openai:v0.28.0), which launch-vllm.sh runs in`,
        `launch-vllm.sh:${ctxLine}: max model len 4096 (the plan: 8192)`,
        `launch-vllm.sh:${seqLine}: max sequences 128 (the plan: 256)`,
      ],
    });
  });

  it("a flag removed: named at the start of the args; the memory share on its line", async () => {
    const dir = copyOf("chat-7b");
    const script = join(dir, "launch-vllm.sh");
    const text = readFileSync(script, "utf8");
    const start = text.split("\n").indexOf("args=(") + 1;
    writeFileSync(script, text.replace("  --max-num-seqs\n  256\n", ""));
    const [shareLine] = valueLineAfter(script, "--gpu-memory-utilization");
    editLine(script, "0.92", "0.95");
    const r = await cli(["verify", "--deployment", dir, "--json"]);
    const m: string[] = JSON.parse(r.stdout).mismatches;
    expect(m).toContain(`launch-vllm.sh:${start}: max sequences not set (the plan: 256)`);
    expect(m).toContain(`launch-vllm.sh:${shareLine}: memory share 0.95 (the plan: 0.92)`);
  });

  it("Kubernetes: the container's args and image in the StatefulSet; a mounted script in the ConfigMap", async () => {
    const dir = copyOf("llama-70b-int4");
    const sts = join(dir, "k8s/statefulset.yaml");
    const imageLine = editLine(sts, "image: vllm/vllm-openai:v0.28.0", "image: vllm/vllm-openai:v0.27.0");
    const [ctxLine] = valueLineAfter(sts, "- --max-model-len");
    editLine(sts, '- "8192"', '- "4096"');
    let r = await cli(["verify", "--deployment", dir, "--json"]);
    expect(JSON.parse(r.stdout).mismatches).toEqual([
      `k8s/statefulset.yaml:${imageLine}: image vllm/vllm-openai:v0.27.0 (the plan: vllm/vllm-openai:v0.28.0), which k8s/statefulset.yaml runs in`,
      `k8s/statefulset.yaml:${ctxLine}: max model len 4096 (the plan: 8192)`,
    ]);

    const ds = copyOf("deepseek-v3-multinode");
    const cm = join(ds, "k8s/scripts-configmap.yaml");
    const [tpLine, tp] = valueLineAfter(cm, "--tensor-parallel-size");
    expect(tp).toBe("8");
    const lines = readFileSync(cm, "utf8").split("\n");
    lines[tpLine - 1] = lines[tpLine - 1]!.replace("8", "4");
    writeFileSync(cm, lines.join("\n"));
    r = await cli(["verify", "--deployment", ds, "--json"]);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).mismatches[0]).toBe(
      `k8s/scripts-configmap.yaml:${tpLine}: TP 4 (the plan: 8)`,
    );
  });
});

describe("a hand-edited or truncated plan.yaml: one line naming the field and a hint", () => {
  const text = readFileSync(join(ROOT, "examples/deployments/chat-7b/plan.yaml"), "utf8");
  const cases: [string, string, RegExp][] = [
    [
      "a string where a number belongs",
      text.replace(/^ {4}maxModelLen: 8192$/m, '    maxModelLen: "8k"'),
      /: recommendation\.engine\.maxModelLen: expected a number, got the string "8k"$/,
    ],
    [
      "no recommendation",
      text.replace(/^recommendation:[\s\S]*?(?=^alternatives:)/m, ""),
      /: recommendation is missing$/,
    ],
    [
      "truncated",
      text.slice(0, text.indexOf("    kvCacheTokens:")),
      /: recommendation\.memory\.kvCacheTokens: expected a number, got nothing \(the field is missing\)$/,
    ],
    [
      "a hostile string",
      text.replace(/^ {2}gpu: a100-80g$/m, '  gpu: "a100\\e[2J\\e]0;pwned\\a\\nrm -rf /"'),
      /: recommendation\.gpu: must not contain control characters or line breaks$/,
    ],
  ];
  for (const [what, content, re] of cases) {
    it(what, async () => {
      const dir = copyOf("chat-7b");
      writeFileSync(join(dir, "plan.yaml"), content);
      for (const args of [
        ["verify", "--deployment", dir],
        ["verify", "--log", LOG, "--plan", join(dir, "plan.yaml")],
      ]) {
        const r = await cli(args);
        expect(r.exitCode, args.join(" ")).toBe(1);
        expect(r.stdout).toBe("");
        const [error, hint, ...rest] = r.stderr.trim().split("\n");
        expect(error, args.join(" ")).toMatch(
          new RegExp(`^error: ${dir.replace(/[.]/g, "\\.")}/plan\\.yaml${re.source}`),
        );
        expect(hint).toMatch(/^hint: .*llmdeploy plan --out DIR/);
        expect(rest).toEqual([]);
        expect(r.stderr.includes(String.fromCharCode(27))).toBe(false);
        expect(r.stderr).not.toMatch(/NaN|undefined|\.js:\d+/);
      }
    });
  }
});
