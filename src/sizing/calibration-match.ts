/**
 * Matching a calibration record's names (model, GPU, precision as its source writes them) to the
 * catalogs, and its engine release to the settings the engine module derives. Pure.
 */
import type { DeviceEntry, ModelEntry } from "../catalog/types.js";
import type { EngineModule, SettingsOverrides } from "../engines/types.js";
import type { ModelArch } from "../models/arch.js";
import { bindPrecision, checkpointPrecision, lookupPrecision, type Precision } from "./weights.js";

/** Models of a calibration source that share the architecture of a catalog entry. */
const SAME_ARCHITECTURE: Record<string, string> = {
  "meta-llama/meta-llama-3-8b": "llama-3.1-8b",
  "meta-llama/meta-llama-3-8b-instruct": "llama-3.1-8b",
  "meta-llama/llama-3.1-8b": "llama-3.1-8b",
  "meta-llama/meta-llama-3.1-8b-instruct": "llama-3.1-8b",
  "meta-llama/meta-llama-3-70b": "llama-3.1-70b",
  "meta-llama/meta-llama-3-70b-instruct": "llama-3.1-70b",
  "meta-llama/meta-llama-3.1-70b-instruct": "llama-3.1-70b",
  "meta-llama/llama-3.1-70b": "llama-3.1-70b",
  "meta-llama/meta-llama-3.1-405b-instruct": "llama-3.1-405b",
  "meta-llama/llama-2-7b-hf": "llama-2-7b",
  "meta-llama/llama-2-13b-hf": "llama-2-13b",
  "meta-llama/llama-2-70b-hf": "llama-2-70b",
  "mistralai/mixtral-8x7b-v0.1": "mixtral-8x7b",
  "mistralai/mistral-7b-instruct-v0.2": "mistral-7b-v0.3",
  "nvidia/llama-3.1-8b-instruct-fp8": "llama-3.1-8b",
  "nvidia/llama-3.3-70b-instruct-fp8": "llama-3.3-70b",
  "nvidia/qwen3-235b-a22b-fp8": "qwen3-235b-a22b",
  "qwen/qwen3-235b-a22b-fp8": "qwen3-235b-a22b",
  "deepseek-ai/deepseek-r1-0528": "deepseek-r1",
  "llama2-70b": "llama-2-70b",
  "llama 3.1 8b": "llama-3.1-8b",
  "llama 3 70b": "llama-3.1-70b",
  "mixtral 8x7b": "mixtral-8x7b",
  // Qwen2.5-Coder-3B shares Qwen2.5-3B's architecture (hidden 2048, 36 layers, 16/2 heads, tied).
  "qwen/qwen2.5-coder-3b-instruct": "qwen2.5-3b",
  "mistralai/mistral-7b-v0.1": "mistral-7b-v0.3",
};

const PRECISION_OF: Record<string, string> = {
  "int4-awq": "awq",
  awq: "awq",
  "int4-gptq": "gptq",
  gptq: "gptq",
  w4a16: "w4a16",
  "fp8-block": "fp8-block",
};

export const norm = (s: string) => s.trim().toLowerCase();

/** "meta-llama/Llama-2-7b-hf (GGUF F16)" -> "meta-llama/llama-2-7b-hf": the name before any remark. */
const bare = (s: string) => norm(s.replace(/\s*\(.*$/, ""));

export function findRecordModel(name: string, models: readonly ModelEntry[]): ModelEntry | null {
  const q = bare(name);
  const alias = SAME_ARCHITECTURE[q];
  if (alias) return models.find((m) => m.id === alias) ?? null;
  return (
    models.find(
      (m) =>
        m.id === q ||
        norm(m.hfId) === q ||
        (m.otherHfIds ?? []).some((h) => norm(h) === q) ||
        (m.aliases ?? []).some((a) => norm(a) === q),
    ) ?? null
  );
}

export function findRecordGpu(name: string, gpus: readonly DeviceEntry[]): DeviceEntry | null {
  const q = bare(name)
    .replace(/^nvidia\s+|^amd\s+(instinct\s+)?|geforce\s+/g, "")
    .replace(/\s+/g, "-");
  const candidates = [q, q.replace(/-sxm[45]?$/, "-sxm"), q.replace(/gb$/, "g"), q.replace(/-80gb$/, "-80g")];
  for (const c of candidates) {
    const g = gpus.find((x) => x.id === c || (x.aliases ?? []).includes(c));
    if (g) return g;
  }
  // Sources that do not say the variant: the SXM boards of the benchmark servers.
  if (q === "h100") return gpus.find((g) => g.id === "h100-sxm") ?? null;
  if (q === "a100") return gpus.find((g) => g.id === "a100-80g") ?? null;
  return null;
}

export function precisionFor(name: string, arch: ModelArch): Precision | null {
  const p = bare(name);
  try {
    if (p === "auto" || p === "checkpoint") return checkpointPrecision(arch);
    return bindPrecision(lookupPrecision(PRECISION_OF[p] ?? p), arch);
  } catch {
    return null;
  }
}

/** The first X.Y or X.Y.Z in a record's engine version ("v0.11.0", "0.9.1 (rocm/vllm:…)"), or null. */
export function recordVersion(text: string | undefined): string | null {
  const m = /(?:^|[^\d.])v?(\d+\.\d+(?:\.\d+)?)/.exec(text ?? "");
  return m ? m[1]! : null;
}

/**
 * The settings a record's run had, as the engine module derives its defaults: the engine release the
 * record states when the module models it (vLLM's batch defaults and memory share changed between
 * releases), else the pinned one; the run's TP × PP (SGLang's memory share and prefill chunk depend on
 * the split) and context; vLLM's Python LLM class for in-process runs (benchmark_throughput /
 * benchmark_latency), which has its own batch defaults.
 */
export function recordSettings(
  r: { engineVersion?: string; api?: boolean },
  engine: EngineModule,
  tp: number,
  pp: number,
  maxModelLen: number,
): SettingsOverrides {
  const asked = recordVersion(r.engineVersion);
  let engineVersion: string | undefined;
  if (asked) {
    try {
      engineVersion = engine.versions.resolve(asked);
    } catch {
      engineVersion = undefined; // outside the releases the module models: its pinned defaults
    }
  }
  return { engineVersion, tp, pp, maxModelLen, entryPoint: r.api === false ? "llm" : "serve" };
}
