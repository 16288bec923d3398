/**
 * Ollama (https://github.com/ollama/ollama): GGUF models from its library, served by its llama.cpp
 * runner on one GPU (or a CPU host); no Prometheus endpoint.
 */
import type { Plan } from "../contract/plan.js";
import { efficiency, LLAMACPP_SHARES, MODEL_DIR, sharedFit, SLOTS } from "./common.js";
import { llamacppMemory, llamacppSettings } from "./llamacpp.js";
import type {
  CheckpointSupport,
  EngineCommand,
  EngineLaunch,
  EngineModule,
  LaunchedSettings,
} from "./types.js";

/**
 * `ollama serve`, configured by environment (docs/faq.md: OLLAMA_HOST, OLLAMA_NUM_PARALLEL,
 * OLLAMA_CONTEXT_LENGTH, OLLAMA_KEEP_ALIVE); the launch script pulls the model once it serves.
 */
function command(plan: Plan): EngineCommand {
  const e = plan.recommendation.engine;
  return {
    engine: "ollama",
    program: "ollama",
    args: ["serve"],
    env: {
      OLLAMA_HOST: `0.0.0.0:${plan.spec.port}`,
      OLLAMA_MODELS: MODEL_DIR,
      OLLAMA_NUM_PARALLEL: String(e.maxNumSeqs),
      OLLAMA_CONTEXT_LENGTH: String(e.maxModelLen),
      OLLAMA_KEEP_ALIVE: "-1",
    },
    healthPath: "/",
    metricsPath: null,
    usesHfHub: false,
    multiNode: null,
    pullAfterStart: {
      // The resolved tag (a library tag, or hf.co/<repo>:<QUANT>); plans made before 0.2 name none.
      model: plan.recommendation.checkpoint ? e.modelRef : plan.model.id,
      override: "OLLAMA_MODEL",
      ready: ["ollama", "list"],
      pull: ["ollama", "pull"],
    },
    needsScript: true,
    healthCommand: ["ollama", "list"],
    modelFile: null,
  };
}

/**
 * Ollama pulls GGUF models: its library's tags, and any GGUF repository on the Hub: "ollama run
 * hf.co/{username}/{repository}:{quantization}" ("By default, the Q4_K_M quantization scheme is
 * used. To select a different scheme, simply add a tag", https://huggingface.co/docs/hub/ollama).
 */
export const OLLAMA_CHECKPOINTS: CheckpointSupport = {
  loads: ["gguf"],
  inFlight: {},
  gguf: { ref: (g) => ({ modelRef: `hf.co/${g.repo}:${g.quant}`, file: null }), libraryTags: true },
  source: "https://huggingface.co/docs/hub/ollama (hf.co/{username}/{repository}:{quantization})",
};

function envInt(env: Record<string, string>, name: string): number | undefined | null {
  const v = env[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** The inverse of command(): the pulled model and OLLAMA_* settings. */
export function readOllamaLaunch(l: EngineLaunch): LaunchedSettings | { problem: string } {
  if (!l.pullModel) return { problem: "it pulls no model" };
  const ctx = envInt(l.env, "OLLAMA_CONTEXT_LENGTH");
  const slots = envInt(l.env, "OLLAMA_NUM_PARALLEL");
  if (ctx === null || slots === null)
    return { problem: "OLLAMA_CONTEXT_LENGTH and OLLAMA_NUM_PARALLEL must be whole numbers" };
  if (ctx === undefined) return { problem: "no OLLAMA_CONTEXT_LENGTH" };
  return {
    modelRef: l.pullModel,
    file: null,
    tp: 1,
    pp: 1,
    maxModelLen: ctx,
    kvCacheDtype: (l.env.OLLAMA_KV_CACHE_TYPE ?? "f16") === "q8_0" ? "fp8" : "auto",
    quantization: null,
    overrides: { maxNumSeqs: slots ?? SLOTS.defaultMaxSeqs },
  };
}

export const ollama: EngineModule = {
  name: "ollama",
  label: "Ollama",
  image: {
    image: "ollama/ollama:0.20.2",
    version: "0.20.2",
    source: "https://github.com/eleiton/ollama-intel-arc/pull/50 (bump image tag to 0.20.2, 2026-04-04)",
  },
  checkpointFormat: "gguf",
  defaultPort: 11434,
  defaultGpuMemoryUtilization: 0.9,
  parallel: { tensor: false, layersInNode: false, multiNode: null, maxGpus: 1 },
  efficiency: efficiency(LLAMACPP_SHARES, SLOTS, sharedFit("llama.cpp")),
  memoryModel: "llama.cpp's allocation, as Ollama's runner makes it (every layer on the GPU)",
  settings: llamacppSettings,
  supportProblem: () => null,
  memory: llamacppMemory,
  startupLog: null,
  command,
  checkpoints: OLLAMA_CHECKPOINTS,
  readLaunch: readOllamaLaunch,
  metrics: null,
};
