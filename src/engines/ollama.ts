/**
 * Ollama (https://github.com/ollama/ollama): GGUF models from its library, served by its llama.cpp
 * runner on one GPU (or a CPU host); no Prometheus endpoint.
 */
import type { Plan } from "../contract/plan.js";
import { efficiency, imageSupport, LLAMACPP_SHARES, MODEL_DIR, sharedFit, SLOTS } from "./common.js";
import { llamacppMemory, llamacppSettings } from "./llamacpp.js";
import type { EngineCommand, EngineImage, EngineModule } from "./types.js";

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

const ollamaImage: EngineImage = {
  image: "ollama/ollama:0.32.15",
  version: "0.32.15",
  source: "https://github.com/ollama/ollama/tree/v0.32.15 (tag v0.32.15, 2026-08-19)",
  cuda: {
    version: "12.8",
    minDriver: "550",
    minComputeCapability: 5.0,
    source:
      "https://github.com/ollama/ollama/blob/v0.32.15/docs/gpu.mdx ('Ollama supports Nvidia GPUs with compute capability 5.0+ and driver version 550 and newer'); https://github.com/ollama/ollama/blob/v0.32.15/Dockerfile ('ARG CUDA12VERSION=12.8 ... ARG CUDA13VERSION=13.0')",
  },
  contents: {
    user: "root",
    programs: ["bash", "ollama"],
    source:
      "https://github.com/ollama/ollama/blob/v0.32.15/Dockerfile ('FROM ubuntu:24.04 ... apt-get install -y ca-certificates libvulkan1 libopenblas0', 'ENTRYPOINT [\"/bin/ollama\"]'; no curl, no python)",
  },
};

export const ollama: EngineModule = {
  name: "ollama",
  label: "Ollama",
  image: ollamaImage,
  checkpointFormat: "gguf",
  defaultPort: 11434,
  defaultGpuMemoryUtilization: 0.9,
  parallel: { tensor: false, layersInNode: false, multiNode: null, maxGpus: 1 },
  efficiency: efficiency(LLAMACPP_SHARES, SLOTS, sharedFit("llama.cpp")),
  memoryModel: "llama.cpp's allocation, as Ollama's runner makes it (every layer on the GPU)",
  settings: llamacppSettings,
  supportProblem: (device) => (device.kind === "cpu" ? null : imageSupport(device, ollamaImage)),
  memory: llamacppMemory,
  cliFlags: {
    flags: [],
    source:
      "https://github.com/ollama/ollama/blob/v0.32.15/docs/faq.md (ollama serve is configured by environment: OLLAMA_HOST, OLLAMA_NUM_PARALLEL, OLLAMA_CONTEXT_LENGTH, OLLAMA_KEEP_ALIVE)",
  },
  startupLog: null,
  runsAsNonRoot: true,
  advisories: [],
  command,
  metrics: null,
};
