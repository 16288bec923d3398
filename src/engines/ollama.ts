/**
 * Ollama (https://github.com/ollama/ollama): GGUF models from its library, served by its llama.cpp
 * runner on one GPU (or a CPU host); no Prometheus endpoint.
 */
import type { Plan } from "../contract/plan.js";
import { efficiency, LLAMACPP_SHARES, MODEL_DIR, sharedFit, SLOTS } from "./common.js";
import { llamacppMemory, llamacppSettings } from "./llamacpp.js";
import type { EngineCommand, EngineModule } from "./types.js";
import { imageProblem, type ImageBuild } from "./hardware.js";

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
      model: plan.model.id,
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
 * The pinned image runs on NVIDIA GPUs and CPUs; AMD GPUs take the ollama/ollama:rocm image
 * (https://github.com/ollama/ollama/blob/main/docs/docker.md, "AMD GPU ... ollama/ollama:rocm").
 */
export const OLLAMA_IMAGE_BUILD: ImageBuild = {
  cuda: null,
  minComputeCapability: null,
  why: "",
  source: "https://github.com/ollama/ollama/blob/main/docs/docker.md",
  amd: "the ollama/ollama:rocm image",
  gaudi: null,
};

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
  supportProblem: (d) => imageProblem(ollama, OLLAMA_IMAGE_BUILD, d),
  memory: llamacppMemory,
  startupLog: null,
  command,
  metrics: null,
};
