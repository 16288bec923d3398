// Deployments load what was sized (issue #13), through the built bin: plan --out writes files whose
// launch command loads the checkpoint the plan sized, `verify --deployment` reads those files back and
// re-sizes them, a file edited to load the 16-bit repository is caught with one line, and a precision
// with no checkpoint and no in-flight path is refused with --model-ref as the hint.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import catalog from "../../data/checkpoints.json" with { type: "json" };
import {
  safetensorsHeader,
  TINY_LLAMA_CONFIG,
  tinyLlamaTensors,
  writeSafetensors,
} from "../fixtures/checkpoints.js";
import { jsonFile, startFakeHub } from "../fixtures/fake-hub.js";
import { cli } from "./helpers.js";

const tmp = () => mkdtempSync(join(tmpdir(), "llmdeploy-deploy-"));
const EXAMPLES = new URL("../../examples/deployments/", import.meta.url).pathname;
const formatOf = (repo: string) => catalog.checkpoints.find((e) => e.repo === repo)?.format ?? null;

/** The args=( ... ) words of a launch script (the rendered words are bare or single-quoted). */
function argsOf(script: string): string[] {
  const body = /^args=\(\n([\s\S]*?)\n\)$/m.exec(script)![1]!;
  return body.split("\n").map((l) => l.trim().replace(/^'(.*)'$/, "$1"));
}
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

async function planOut(...args: string[]) {
  const out = join(tmp(), "d");
  const r = await cli(["plan", ...args, "--defaults", "--out", out]);
  expect([0, 2], r.stderr).toContain(r.exitCode);
  const v = await cli(["verify", "--deployment", out]);
  expect(v.exitCode, v.stderr).toBe(0);
  expect(v.stdout).toMatch(/is what the plan sized/);
  return { out, plan: parse(readFileSync(join(out, "plan.yaml"), "utf8")) };
}

describe("plan --out, then verify --deployment", () => {
  it("int4: launch-vllm.sh loads a 4-bit checkpoint; edited to the 16-bit repository, verify says why in one line", async () => {
    const { out, plan } = await planOut("--model", "70b", "--precision", "int4");
    const args = argsOf(readFileSync(join(out, "launch-vllm.sh"), "utf8"));
    const repo = args[1]!;
    expect(["awq", "gptq", "w4a16"]).toContain(formatOf(repo));
    expect(plan.recommendation.engine.modelRef).toBe(repo);
    expect(plan.recommendation.checkpoint).toMatchObject({ source: "catalog", repo });
    // the 16-bit repository is only the name clients use (--served-model-name), never what is loaded
    expect(after(args, "--served-model-name")).toBe("meta-llama/Llama-3.3-70B-Instruct");

    const script = join(out, "launch-vllm.sh");
    writeFileSync(script, readFileSync(script, "utf8").replace(repo, "meta-llama/Llama-3.3-70B-Instruct"));
    const v = await cli(["verify", "--deployment", out]);
    expect(v.exitCode).toBe(1);
    expect(v.stdout).toBe("");
    const lines = v.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    // the model argument where the script gives it, then what it does to the memory
    expect(lines[0]).toMatch(
      new RegExp(
        `^error: launch-vllm\\.sh:\\d+: model meta-llama/Llama-3\\.3-70B-Instruct \\(the plan: ${repo.replace(/[.]/g, "\\.")}\\)$`,
      ),
    );
    const m = lines[1]!.match(
      /^error: launch-vllm\.sh loads meta-llama\/Llama-3\.3-70B-Instruct \(BF16, (\d+\.\d) GiB per GPU\) but the plan sized INT4 AWQ, group 128 \(\d+\.\d GiB per GPU\): it will not fit/,
    );
    expect(m, lines[1]).not.toBeNull();
    // 70,553,706,496 parameters (config.json) x 2 bytes = 131.4 GiB, split over the plan's TP
    // (norms are replicated: a few MiB more per GPU).
    expect(Number(m![1])).toBeCloseTo(131.4 / plan.recommendation.tensorParallel, 0);
  });

  it("fp8: an FP8 checkpoint, or the engine's in-flight fp8 on the 16-bit one", async () => {
    for (const model of ["70b", "qwen2.5-14b"]) {
      const { out, plan } = await planOut("--model", model, "--precision", "fp8");
      const args = argsOf(readFileSync(join(out, "launch-vllm.sh"), "utf8"));
      const ck = plan.recommendation.checkpoint;
      if (ck.source === "catalog") {
        expect(formatOf(args[1]!)).toBe("fp8");
        expect(args).not.toContain("--quantization");
      } else {
        expect(ck.source).toBe("in-flight");
        expect(after(args, "--quantization")).toBe("fp8_per_tensor");
        expect(plan.recommendation.engine.quantization).toBe("fp8_per_tensor");
      }
    }
  });

  it("GGUF with llama.cpp: --hf-repo and --hf-file of a published file of that type", async () => {
    const { out, plan } = await planOut("--model", "8b", "--engine", "llamacpp", "--precision", "q4_k_m");
    const args = argsOf(readFileSync(join(out, "launch-llamacpp.sh"), "utf8"));
    const repo = after(args, "--hf-repo")!;
    const file = after(args, "--hf-file")!;
    expect(file).toMatch(/Q4_K_M\.gguf$/i);
    const entry = catalog.checkpoints.find((e) => e.repo === repo)!;
    expect(entry.files!.some((f) => f.file === file && f.quant === "Q4_K_M")).toBe(true);
    expect(plan.recommendation.checkpoint).toMatchObject({ repo, file, format: "gguf" });
    expect(readFileSync(join(out, "README.md"), "utf8")).toContain(`downloads \`${file}\``);
  });

  it("GGUF with Ollama: the library tag of that quantization, else hf.co/<repo>:<QUANT>", async () => {
    const tag = await planOut("--model", "8b", "--engine", "ollama", "--precision", "q4_k_m");
    expect(readFileSync(join(tag.out, "launch-ollama.sh"), "utf8")).toMatch(
      /^default_model=llama3\.1:8b-instruct-q4_K_M$/m,
    );
    const hf = await planOut("--model", "qwen2.5-7b", "--engine", "ollama", "--precision", "q8_0");
    expect(readFileSync(join(hf.out, "launch-ollama.sh"), "utf8")).toMatch(
      /^default_model=hf\.co\/bartowski\/Qwen2\.5-7B-Instruct-GGUF:Q8_0$/m,
    );
  });

  it("--model-ref: the user's own folder is loaded, its bytes sized, and the round trip reads it back", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "config.json"), JSON.stringify(TINY_LLAMA_CONFIG));
    writeSafetensors(join(dir, "model.safetensors"), tinyLlamaTensors());
    const { out, plan } = await planOut(
      "--model",
      "llama-3.1-8b",
      "--model-ref",
      dir,
      "--gpu",
      "l4",
      "--max-model-len",
      "2048",
    );
    expect(plan.spec.modelRef).toBe(dir);
    expect(plan.recommendation.checkpoint).toMatchObject({ source: "user", localPath: dir, repo: null });
    expect(argsOf(readFileSync(join(out, "launch-vllm.sh"), "utf8"))[1]).toBe(dir);
  });
});

describe("a Hub model: verify reads it from llmdeploy's cache, never the network", () => {
  it("with the plan's cache: re-sized; with an empty cache: checked against the plan's record, with a note", async () => {
    const hub = await startFakeHub({
      repos: {
        "someorg/tiny-llama": {
          revisions: {
            main: {
              "config.json": jsonFile(TINY_LLAMA_CONFIG),
              "model.safetensors": safetensorsHeader(tinyLlamaTensors()),
            },
          },
        },
      },
    });
    try {
      const home = tmp();
      const out = join(tmp(), "d");
      const env = { HF_ENDPOINT: hub.url, HF_HOME: home };
      const args = ["plan", "--model", "someorg/tiny-llama", "--defaults", "--gpu", "l4", "--out", out];
      const p = await cli([...args, "--max-model-len", "2048"], { env });
      expect(p.exitCode, p.stderr).toBe(0);
      await hub.close();
      // the Hub is gone: the cache answers
      const v = await cli(["verify", "--deployment", out], { env });
      expect(v.exitCode, v.stderr).toBe(0);
      expect(v.stdout).toMatch(
        /^launch-vllm\.sh: someorg\/tiny-llama \(safetensors BF16, .* is what the plan sized$/m,
      );
      // no cache at all: the files are checked against the plan's recorded checkpoint and settings
      const bare = await cli(["verify", "--deployment", out], { env: { ...env, HF_HOME: tmp() } });
      expect(bare.exitCode, bare.stderr).toBe(0);
      expect(bare.stderr).toMatch(
        /note: launch-vllm\.sh loads someorg\/tiny-llama, which cannot be read offline/,
      );
      expect(bare.stdout).toMatch(/is what the plan recorded/);
    } finally {
      await hub.close().catch(() => {});
    }
  });
});

describe("what cannot be served is refused before anything is written", () => {
  it("a precision with no published checkpoint and no in-flight path: the reason, and --model-ref as the hint", async () => {
    const out = join(tmp(), "never");
    const r = await cli(["plan", "--model", "70b", "--precision", "int8", "--defaults", "--out", out]);
    expect(r.exitCode).toBe(1);
    const [error, hint] = r.stderr.trim().split("\n").slice(-2);
    expect(error).toMatch(
      /^error: int8 is not offered for llama-3\.3-70b with vLLM: no published W8A8 int8 checkpoint in llmdeploy's catalog and vLLM has no in-flight int8/,
    );
    expect(hint).toMatch(/^hint: pass --model-ref ORG\/NAME/);
    expect(existsSync(out)).toBe(false);
  });

  it("render refuses a plan whose files would load another checkpoint than the one sized", async () => {
    const { out } = await planOut("--model", "qwen2.5-7b", "--precision", "int4", "--gpu", "l4");
    const plan = parse(readFileSync(join(out, "plan.yaml"), "utf8"));
    plan.recommendation.engine.modelRef = "Qwen/Qwen2.5-7B-Instruct";
    const dir = tmp();
    writeFileSync(join(dir, "plan.yaml"), stringify(plan));
    const r = await cli(["render", join(dir, "plan.yaml"), "--out", join(dir, "deploy")]);
    expect(r.exitCode).toBe(1);
    // 7,615,616,512 parameters x 2 bytes = 14.2 GiB in BF16, split over the plan's TP
    const tp = plan.recommendation.tensorParallel as number;
    const m =
      /^error: launch-vllm\.sh loads Qwen\/Qwen2\.5-7B-Instruct \(BF16, (\d+\.\d) GiB per GPU\) but the plan sized INT4 AWQ, group 128 \(\d+\.\d GiB per GPU\)/.exec(
        r.stderr,
      );
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeCloseTo(14.2 / tp, 0);
    expect(r.stderr).toMatch(/^hint: .*nothing was written/m);
    expect(existsSync(join(dir, "deploy"))).toBe(false);
  });
});

describe("every committed example passes verify --deployment", () => {
  for (const name of readdirSync(EXAMPLES)) {
    it(name, async () => {
      const r = await cli(["verify", "--deployment", join(EXAMPLES, name)]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/is what the plan sized/);
    });
  }
});
