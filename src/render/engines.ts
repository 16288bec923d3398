/**
 * Each engine's command line, from the plan: every number comes from `plan.recommendation`. Flags are
 * the current ones of each engine's CLI; sources in the comments. vLLM: `vllm serve --help` of the
 * releases since 0.18, which dropped `--swap-space` (vllm-project/vllm#36216) and
 * `--disable-log-requests`; neither is ever written.
 */
import { UserError } from "../errors.js";
import type { EngineName, Plan } from "../plan/types.js";

/** How one replica spans several nodes, when it does. */
export type MultiNode =
  /** vLLM: a Ray cluster; the head runs the engine, the other nodes run ray-worker.sh. */
  | "ray"
  /** SGLang: every node runs the launch script with its NODE_RANK and the head's address. */
  | "sglang"
  | null;

export interface EngineCommand {
  engine: EngineName;
  /** The program run inside the container. */
  program: string;
  /** Its arguments, every one a literal word (no shell expansion happens to them). */
  args: string[];
  /** Environment the engine needs (no secrets: those come from secret files at run time). */
  env: Record<string, string>;
  healthPath: string;
  /** Prometheus metrics path, or null when the engine exposes none (Ollama). */
  metricsPath: string | null;
  /** Whether the engine downloads from the Hugging Face Hub (and so may need HF_TOKEN). */
  usesHfHub: boolean;
  multiNode: MultiNode;
}

/** Directory for the model cache volume inside every engine container. */
export const MODEL_DIR = "/models";

/** Port SGLang's nodes meet on (`--dist-init-addr head:PORT`). */
export const SGLANG_DIST_PORT = 5000;

/** Engines that can run one replica across nodes, and how. */
const MULTI_NODE: Record<EngineName, MultiNode> = {
  vllm: "ray",
  sglang: "sglang",
  trtllm: null,
  tgi: null,
  llamacpp: null,
  ollama: null,
};

/** A model the engine reads from the host's disk (an absolute path), rather than from the Hub. */
export function localModelPath(plan: Plan): string | null {
  const ref = plan.recommendation.engine.modelRef;
  return ref.startsWith("/") ? ref : null;
}

export function engineCommand(plan: Plan): EngineCommand {
  const d = plan.recommendation;
  const e = d.engine;
  const port = String(plan.spec.port);
  const name = e.servedModelName;
  const distributed = d.mode === "distributed" || d.nodes > 1;
  const multiNode = distributed ? MULTI_NODE[e.name] : null;
  if (distributed && multiNode === null) {
    throw new UserError(
      `${e.name} cannot run one replica across ${d.nodes} nodes; llmdeploy renders multi-node deployments for vllm (Ray) and sglang`,
      "plan again with --engine vllm, or with GPUs that hold the model on one node",
    );
  }
  const base = { healthPath: "/health", metricsPath: "/metrics", usesHfHub: true, multiNode };
  switch (e.name) {
    case "vllm": {
      // https://docs.vllm.ai/en/stable/cli/serve.html (engine arguments)
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
      if (multiNode === "ray") args.push("--distributed-executor-backend", "ray");
      return { ...base, engine: "vllm", program: "vllm", args, env: { HF_HOME: MODEL_DIR } };
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
      // --node-rank and --dist-init-addr differ per node: the launch script adds them at run time.
      if (multiNode === "sglang") args.push("--nnodes", String(d.nodes));
      return { ...base, engine: "sglang", program: "python3", args, env: { HF_HOME: MODEL_DIR } };
    }
    case "trtllm": {
      // https://nvidia.github.io/TensorRT-LLM/commands/trtllm-serve.html: trtllm-serve MODEL [OPTIONS]
      const args = [
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
      return { ...base, engine: "trtllm", program: "trtllm-serve", args, env: { HF_HOME: MODEL_DIR } };
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
        ...base,
        engine: "tgi",
        program: "text-generation-launcher",
        args,
        env: { HF_HOME: MODEL_DIR },
      };
    }
    case "llamacpp": {
      // https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md
      // --ctx-size is shared by the --parallel slots: each slot gets ctx-size / parallel tokens.
      const slots = e.maxNumSeqs;
      const args = [
        "--model",
        ggufPath(plan),
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
        "--batch-size",
        String(e.maxNumBatchedTokens),
        "--metrics",
      ];
      if (d.deviceKind !== "cpu") args.push("--n-gpu-layers", "999");
      if (d.gpuCount > 1) args.push("--split-mode", "layer");
      if (e.kvCacheDtype === "fp8") args.push("--cache-type-k", "q8_0", "--cache-type-v", "q8_0");
      return { ...base, engine: "llamacpp", program: "/app/llama-server", args, env: {}, usesHfHub: false };
    }
    case "ollama":
      // https://github.com/ollama/ollama/blob/main/docs/faq.md (OLLAMA_HOST, OLLAMA_NUM_PARALLEL,
      // OLLAMA_CONTEXT_LENGTH, OLLAMA_KEEP_ALIVE); no Prometheus endpoint.
      return {
        ...base,
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
        usesHfHub: false,
      };
  }
}

/**
 * The GGUF file llama.cpp loads: the plan's own file when it names one on this host (mounted at the
 * same path), else `<model>-<PRECISION>.gguf` in the model volume, where the README says to put it.
 */
export function ggufPath(plan: Plan): string {
  const local = localModelPath(plan);
  if (local && /\.gguf$/i.test(local)) return local;
  return `${MODEL_DIR}/${ggufFileName(plan)}`;
}

export function ggufFileName(plan: Plan): string {
  const base = (plan.model.hfId ?? plan.model.id).split("/").pop() ?? plan.model.id;
  return `${base.replace(/[^A-Za-z0-9._-]/g, "_")}-${plan.recommendation.precision.toUpperCase()}.gguf`;
}
