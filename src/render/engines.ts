/**
 * The engine's command line, from the plan: every number comes from `plan.recommendation`. Flags are
 * the current ones of each engine's CLI (vLLM `vllm serve --help`: no `--swap-space` or
 * `--disable-log-requests`, both removed); sources in the comments.
 */
import type { EngineName, Plan } from "../plan/types.js";

export interface EngineCommand {
  engine: EngineName;
  /** The program run inside the container. */
  program: string;
  args: string[];
  /** Environment the engine needs (no secrets: those come from secret files at run time). */
  env: Record<string, string>;
  healthPath: string;
  /** Prometheus metrics path, or null when the engine exposes none (Ollama). */
  metricsPath: string | null;
  /** Where the model files live inside the container (a named volume). */
  cacheDir: string;
}

/** Directory for the model cache volume inside every engine container. */
export const MODEL_DIR = "/models";

export function engineCommand(plan: Plan): EngineCommand {
  const d = plan.recommendation;
  const e = d.engine;
  const port = String(plan.spec.port);
  const name = e.servedModelName;
  const distributed = d.mode === "distributed";
  switch (e.name) {
    case "vllm": {
      // https://docs.vllm.ai/en/latest/cli/serve.html (engine arguments)
      const args = [
        "serve",
        e.modelRef,
        "--served-model-name",
        name,
        "--host",
        "0.0.0.0",
        "--port",
        port,
        "--tensor-parallel-size",
        String(d.tensorParallel),
        "--pipeline-parallel-size",
        String(d.pipelineParallel),
        "--max-model-len",
        String(e.maxModelLen),
        "--gpu-memory-utilization",
        String(e.gpuMemoryUtilization),
        "--max-num-seqs",
        String(e.maxNumSeqs),
        "--max-num-batched-tokens",
        String(e.maxNumBatchedTokens),
        "--block-size",
        String(e.blockSize),
      ];
      if (e.kvCacheDtype === "fp8") args.push("--kv-cache-dtype", "fp8");
      if (e.quantization) args.push("--quantization", e.quantization);
      if (e.dtype === "half") args.push("--dtype", "half");
      if (distributed) args.push("--distributed-executor-backend", "ray");
      return {
        engine: "vllm",
        program: "vllm",
        args,
        env: { HF_HOME: MODEL_DIR },
        healthPath: "/health",
        metricsPath: "/metrics",
        cacheDir: MODEL_DIR,
      };
    }
    case "sglang": {
      // https://docs.sglang.ai/advanced_features/server_arguments.html
      const args = [
        "-m",
        "sglang.launch_server",
        "--model-path",
        e.modelRef,
        "--served-model-name",
        name,
        "--host",
        "0.0.0.0",
        "--port",
        port,
        "--tp-size",
        String(d.tensorParallel),
        "--pp-size",
        String(d.pipelineParallel),
        "--context-length",
        String(e.maxModelLen),
        "--mem-fraction-static",
        String(e.gpuMemoryUtilization),
        "--max-running-requests",
        String(e.maxNumSeqs),
        "--chunked-prefill-size",
        String(e.maxNumBatchedTokens),
        "--enable-metrics",
      ];
      if (e.kvCacheDtype === "fp8") args.push("--kv-cache-dtype", "fp8_e4m3");
      if (e.quantization) args.push("--quantization", e.quantization);
      if (e.dtype === "half") args.push("--dtype", "half");
      if (distributed) args.push("--nnodes", String(d.nodes));
      return {
        engine: "sglang",
        program: "python3",
        args,
        env: { HF_HOME: MODEL_DIR },
        healthPath: "/health",
        metricsPath: "/metrics",
        cacheDir: MODEL_DIR,
      };
    }
    case "trtllm": {
      // https://nvidia.github.io/TensorRT-LLM/commands/trtllm-serve.html
      const args = [
        "serve",
        e.modelRef,
        "--host",
        "0.0.0.0",
        "--port",
        port,
        "--tp_size",
        String(d.tensorParallel),
        "--pp_size",
        String(d.pipelineParallel),
        "--max_seq_len",
        String(e.maxModelLen),
        "--max_batch_size",
        String(e.maxNumSeqs),
        "--max_num_tokens",
        String(e.maxNumBatchedTokens),
        "--kv_cache_free_gpu_memory_fraction",
        String(e.gpuMemoryUtilization),
      ];
      return {
        engine: "trtllm",
        program: "trtllm-serve",
        args: args.slice(1),
        env: { HF_HOME: MODEL_DIR },
        healthPath: "/health",
        metricsPath: "/metrics",
        cacheDir: MODEL_DIR,
      };
    }
    case "tgi": {
      // https://huggingface.co/docs/text-generation-inference/reference/launcher
      const args = [
        "--model-id",
        e.modelRef,
        "--hostname",
        "0.0.0.0",
        "--port",
        port,
        "--num-shard",
        String(d.tensorParallel),
        "--max-total-tokens",
        String(e.maxModelLen),
        "--max-input-tokens",
        String(e.maxModelLen - 1),
        "--max-concurrent-requests",
        String(e.maxNumSeqs),
        "--max-batch-prefill-tokens",
        String(e.maxNumBatchedTokens),
      ];
      if (e.quantization) args.push("--quantize", e.quantization);
      return {
        engine: "tgi",
        program: "text-generation-launcher",
        args,
        env: { HF_HOME: MODEL_DIR },
        healthPath: "/health",
        metricsPath: "/metrics",
        cacheDir: MODEL_DIR,
      };
    }
    case "llamacpp": {
      // https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md
      const slots = e.maxNumSeqs;
      const args = [
        "--model",
        `${MODEL_DIR}/${ggufFileName(plan)}`,
        "--alias",
        name,
        "--host",
        "0.0.0.0",
        "--port",
        port,
        "--ctx-size",
        String(e.maxModelLen * slots),
        "--parallel",
        String(slots),
        "--metrics",
      ];
      if (d.deviceKind !== "cpu") args.push("--n-gpu-layers", "999");
      if (d.gpuCount > 1) args.push("--split-mode", "layer");
      if (e.kvCacheDtype === "fp8") args.push("--cache-type-k", "q8_0", "--cache-type-v", "q8_0");
      return {
        engine: "llamacpp",
        program: "/app/llama-server",
        args,
        env: {},
        healthPath: "/health",
        metricsPath: "/metrics",
        cacheDir: MODEL_DIR,
      };
    }
    case "ollama":
      // https://github.com/ollama/ollama/blob/main/docs/faq.md (OLLAMA_NUM_PARALLEL, OLLAMA_CONTEXT_LENGTH)
      return {
        engine: "ollama",
        program: "ollama",
        args: ["serve"],
        env: {
          OLLAMA_HOST: `0.0.0.0:${port}`,
          OLLAMA_MODELS: MODEL_DIR,
          OLLAMA_NUM_PARALLEL: String(e.maxNumSeqs),
          OLLAMA_CONTEXT_LENGTH: String(e.maxModelLen),
          OLLAMA_KEEP_ALIVE: "-1",
        },
        healthPath: "/",
        metricsPath: null,
        cacheDir: MODEL_DIR,
      };
  }
}

/** The GGUF file llama.cpp loads from the model volume: `<model id>-<precision>.gguf`. */
export function ggufFileName(plan: Plan): string {
  const base = (plan.model.hfId ?? plan.model.id).split("/").pop() ?? plan.model.id;
  return `${base.replace(/[^A-Za-z0-9._-]/g, "_")}-${plan.recommendation.precision.toUpperCase()}.gguf`;
}
