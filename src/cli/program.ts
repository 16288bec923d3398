/**
 * The command line: commander wiring only, every command's options and help. The actions call a
 * dispatcher the entry (main.ts) supplies, which loads each command's module when it runs, so
 * `estimate` never loads what `plan` needs; a test supplies one that records the options instead.
 * An action's promise resolves to the exit code (or nothing for 0).
 */
import { Command, Option } from "commander";
import pkg from "../../package.json" with { type: "json" };
import { ENGINE_NAMES } from "../engines/index.js";
import { refuseEmptyValues } from "./flags.js";
import { ce, setQuiet } from "./output.js";
import { printable } from "./safe-text.js";
import { addCheckCommands } from "./program-check.js";

export type Raw = Record<string, unknown>;
export type Code = Promise<number | void>;

/** What each command does with its parsed arguments; resolves to its exit code. */
export interface Dispatch {
  estimate(model: string, opts: Raw): Code;
  models(opts: Raw): Code;
  gpus(opts: Raw): Code;
  plan(opts: Raw): Code;
  schema(kind: string | undefined): Code;
  completion(shell: string, program: Command): Code;
  render(plan: string, opts: Raw): Code;
  bench(opts: Raw): Code;
  verify(opts: Raw): Code;
  calibrate(opts: Raw): Code;
}

/** A repeatable option's values, in order. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** --calibration on estimate and plan, with where a profile is looked up when it is not given. */
const CALIBRATION_HELP =
  "calibration profile from llmdeploy calibrate (none: no profile; default: $LLMDEPLOY_CALIBRATION, else $XDG_CONFIG_HOME/llmdeploy/calibration.json or ~/.config/llmdeploy/calibration.json when it exists)";

/** The program; `run` receives each action's promise (main.ts sets the exit code from it). */
export function createProgram(d: Dispatch, exit: (p: Code) => Code): Command {
  const run = async (p: Code): Promise<void> => {
    await exit(p);
  };
  const program = new Command("llmdeploy")
    .description(
      "Plan self-hosted LLM inference: GPU memory from the model's real architecture, GPUs, parallelism and cost.",
    )
    .version(pkg.version, "-V, --version")
    .option("--debug", "print stack traces on errors")
    .option("-q, --quiet", "no informational lines on stderr")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // Commander's own usage errors (unknown option, missing argument): one line, then a hint.
      outputError: (str, write) =>
        write(
          `${ce.red(str.trimEnd().split("\n").map(printable).join("\n"))}\n${ce.dim("hint:")} run llmdeploy --help, or llmdeploy <command> --help\n`,
        ),
    })
    .hook("preAction", (cmd, action) => {
      setQuiet(Boolean(cmd.opts().quiet));
      refuseEmptyValues(action);
    })
    .addHelpText(
      "after",
      "\nStart here:\n" +
        "  llmdeploy estimate 70b --int4              how much GPU memory, on which GPUs\n" +
        "  llmdeploy plan --model 70b --defaults      the cheapest deployment that meets the targets\n" +
        "  llmdeploy plan --config spec.yaml --out deploy/   ...and the files to run it\n" +
        "  llmdeploy <command> --help                 every command's options, with examples\n",
    );

  program
    .command("estimate")
    .summary("GPU memory a model needs, and the GPUs it fits on")
    .description(
      "Compute the memory ledger of serving <model> with an engine (vLLM by default): weights, KV cache,\nactivations, engine overhead, as that engine allocates them; " +
        "then, for every catalog GPU, how many are needed and how\nmany sequences fit.\n" +
        "With --gpu, the placement on that GPU in detail.\n" +
        "Exit codes: 0 done (with --gpu: the placement fits); 2 the --gpu placement does not fit (the result " +
        "is still printed, with the reason); 1 bad input.",
    )
    .argument(
      "<model>",
      "catalog id or alias (llmdeploy models), size alias (70b), Hugging Face id org/name[@revision] (read from the Hub with range requests, cached under $HF_HOME/llmdeploy), a local folder with config.json and *.safetensors, or a .gguf file",
    )
    .option(
      "-p, --precision <p>",
      "weight precision: fp32 bf16 fp16 fp8 int8 int4 awq gptq mxfp4 nf4 q8_0 q6_k q5_k_m q4_k_m q4_0 (default: the checkpoint's own)",
    )
    .addOption(
      new Option("--int4", "shorthand for --precision int4 (AWQ, group 128)").conflicts([
        "precision",
        "int8",
        "fp8",
        "fp16",
        "bf16",
      ]),
    )
    .addOption(
      new Option("--int8", "shorthand for --precision int8").conflicts(["precision", "fp8", "fp16", "bf16"]),
    )
    .addOption(new Option("--fp8", "shorthand for --precision fp8").conflicts(["precision", "fp16", "bf16"]))
    .addOption(new Option("--fp16", "shorthand for --precision fp16").conflicts(["precision", "bf16"]))
    .addOption(new Option("--bf16", "shorthand for --precision bf16").conflicts(["precision"]))
    .option("--kv-cache-dtype <dtype>", "KV cache dtype: auto (the model's 16-bit dtype, default) or fp8")
    .option(
      "--max-model-len <n>",
      "context length each sequence must fit (default: the larger of 8192 and input + output tokens, within the model's context)",
    )
    .option("--concurrency <n>", "sequences of --max-model-len that must fit at once (default 1)")
    .option("--gpu <id>", "size for this GPU (llmdeploy gpus); without it, every catalog GPU")
    .option("--gpus <n>", "number of GPUs (default: the fewest that fit)")
    .option("--tp <n>", "tensor parallel size (default: GPUs per node)")
    .option("--pp <n>", "pipeline parallel size (default: --gpus / --tp)")
    .option(
      "--gpu-memory-utilization <f>",
      "the engine's share of GPU memory (default: the engine's own: vLLM 0.92 from 0.21, 0.9 before; SGLang per GPU)",
    )
    .option(
      "--max-num-batched-tokens <n>",
      "vLLM's prefill chunk / profile size (default: vLLM's for the GPU)",
    )
    .option("--max-num-seqs <n>", "vLLM's max running sequences (default: vLLM's for the GPU)")
    .option("--input-tokens <n>", "prompt length the performance prediction assumes (default 1024)")
    .option("--output-tokens <n>", "completion length the performance prediction assumes (default 256)")
    .option("--request-rate <r>", "requests per second (Poisson) instead of --concurrency users")
    .option(
      "--num-requests <n>",
      "also replay a finite run of n requests pass by pass (percentiles of TTFT, TPOT, e2e)",
    )
    .option(
      "--engine <name>",
      `engine whose memory model and speed are sized: ${ENGINE_NAMES.join(" ")} (default: vllm; llamacpp for GGUF)`,
    )
    .option(
      "--engine-version <x.y[.z]>",
      "engine release whose defaults and memory behaviour to size (default: the pinned image's, vLLM 0.28.0)",
    )
    .option("--enforce-eager", "no CUDA graphs (vLLM --enforce-eager): no graph memory, slower decoding")
    .option("--calibration <file>", CALIBRATION_HELP)
    .option("--json", "print the result as JSON on stdout")
    .option("--report <file.html>", "also write the estimate as one self-contained HTML page with charts")
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  llmdeploy estimate 70b --int4\n" +
        "  llmdeploy estimate llama-3.1-8b --gpu l4 --max-model-len 16384\n" +
        "  llmdeploy estimate deepseek-v3 --gpu h200 --gpus 8 --json\n" +
        "  llmdeploy estimate Qwen/Qwen2.5-7B-Instruct --kv-cache-dtype fp8 --input-tokens 4000 --concurrency 32\n" +
        "  llmdeploy estimate 8b --precision q4_k_m --engine llamacpp --gpu rtx-4090\n",
    )
    .action((model: string, opts: Raw) => run(d.estimate(model, opts)));

  program
    .command("models")
    .summary("list the model catalog")
    .option("--json", "print an array of objects on stdout")
    .addHelpText("after", "\nExamples:\n  llmdeploy models\n  llmdeploy models --json\n")
    .action((opts: Raw) => run(d.models(opts)));

  program
    .command("gpus")
    .summary("list the GPU catalog")
    .option("--json", "print an array of objects on stdout")
    .addHelpText("after", "\nExamples:\n  llmdeploy gpus\n  llmdeploy gpus --json\n")
    .action((opts: Raw) => run(d.gpus(opts)));

  program
    .command("plan")
    .summary("the cheapest deployment that meets your latency and load targets")
    .description(
      "Search GPU types, GPU counts, tensor/pipeline parallelism, replicas, precisions and KV cache dtypes for\n" +
        "the cheapest deployment that meets the targets, with predicted latency, throughput and cost.\n" +
        "Answers come from flags, then --config spec.yaml, then prompts (only on a terminal, never with CI set).\n" +
        "Exit codes: 0 a plan meets every target; 2 none does (the closest is shown); 1 bad input.",
    )
    .option("-c, --config <file>", "YAML spec (llmdeploy schema prints its JSON Schema); flags override it")
    .option("-m, --model <model>", "catalog id, size alias (70b), Hugging Face id or local path")
    .option(
      "--model-ref <ref>",
      "your own checkpoint to load (org/name, a local folder or a .gguf file) instead of the one llmdeploy resolves",
    )
    .option(
      "-p, --precision <p>",
      "allowed precision, repeatable or comma-separated (auto = checkpoint's own)",
      collect,
    )
    .option("--kv-cache-dtype <dtype>", "allowed KV cache dtype: auto, fp8 (repeatable)", collect)
    .option(
      "--max-model-len <n>",
      "context length every request must fit (default: the larger of 8192 and input + output tokens, within the model's context)",
    )
    .option("--input-tokens <n>", "typical prompt length (default 1024)")
    .option("--output-tokens <n>", "typical completion length (default 256)")
    .option("--concurrency <n>", "requests in flight at once (default 16)")
    .option("--request-rate <r>", "requests per second, Poisson arrivals (instead of --concurrency)")
    .option(
      "--num-requests <n>",
      "replay a finite run of n requests on the recommendation (bench --plan compares with it)",
    )
    .option(
      "--users <n>",
      "users sending requests: with --think-time or --requests-per-user-per-minute, converted to a request rate",
    )
    .option("--think-time <s>", "seconds each user waits between an answer and the next request")
    .option("--requests-per-user-per-minute <r>", "requests each user sends per minute")
    .option(
      "--ttft-ms <ms>",
      "target time to first token, p95 under a request rate (default 2000; none: no target)",
    )
    .option("--tpot-ms <ms>", "target time per output token (default 50; none: no target)")
    .option("--e2e-ms <ms>", "target end-to-end latency (default: none)")
    .option(
      "--target-confidence <c>",
      "band (default): a target is met when the pessimistic end of the prediction's error band meets it; median: when the prediction does",
    )
    .option("--gpu <id>", "allowed GPU type, repeatable (default: every datacenter GPU)", collect)
    .option(
      "--allow-consumer-gpus",
      "also consider workstation and GeForce GPUs without naming them (GeForce's driver licence excludes datacenter use)",
    )
    .option(
      "--provider <id>",
      "rent instances from this provider: aws, gcp, azure, oci, lambda, nebius, runpod, runpod-community (sizes replicas in whole instances)",
    )
    .option("--max-gpus <n>", "most GPUs in total (default 64)")
    .option("--budget-per-hour <usd>", "most US$ per hour for the whole deployment")
    .option(
      "--pricing <basis>",
      "cloud (on-demand: the cheapest of AWS, Google Cloud, Azure per GPU-hour, or the --provider's), spot (spot and marketplace offers), or onprem (--gpu-purchase / --gpu-price)",
    )
    .option(
      "--gpu-price <gpu=usd>",
      "US$ per GPU-hour for a GPU type, repeatable (negotiated or amortised)",
      collect,
    )
    .option(
      "--gpu-purchase <gpu=usd>",
      "on-prem: purchase price per GPU, repeatable; implies --pricing onprem",
      collect,
    )
    .option("--amortization-months <n>", "months on-prem GPUs are written off over (default 36)")
    .option("--engine <name>", `${ENGINE_NAMES.join(", ")} (default: vllm; llamacpp for GGUF)`)
    .option(
      "--engine-version <x.y[.z]>",
      "engine release to size for and render (default: the pinned image's, vLLM 0.28.0)",
    )
    .option("--enforce-eager", "no CUDA graphs (vLLM --enforce-eager): no graph memory, slower decoding")
    .option("--packaging <kind>", "compose (default) or kubernetes")
    .option("--security <level>", "basic (default), enhanced or enterprise")
    .option("--service-name <name>", "name of the service (default: from the model id)")
    .option("--port <n>", "port the engine listens on")
    .option(
      "--gpu-memory-utilization <f>",
      "the engine's share of GPU memory (default: the engine's own: vLLM 0.92 from 0.21, 0.9 before; SGLang per GPU)",
    )
    .option("--calibration <file>", CALIBRATION_HELP)
    .option("--defaults", "fill every unanswered question with the documented defaults; never prompt")
    .option("--json", "print the plan object as JSON on stdout")
    .addOption(new Option("--yaml", "print the plan object as YAML on stdout").conflicts("json"))
    .option("-o, --out <dir>", "write plan.yaml (and the deployment files) into this folder")
    .option("--force", "overwrite files in --out that differ")
    .option("--dry-run", "with --out: list what would be written, changed or removed; write nothing")
    .option(
      "--report <file.html>",
      "also write the plan as one self-contained HTML page: ledger, cost vs latency, error bands, KV capacity",
    )
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  llmdeploy plan --model 70b --defaults\n" +
        "  llmdeploy plan --model 70b --defaults --provider aws --json\n" +
        "  llmdeploy plan --model 8b --defaults --users 300 --think-time 20\n" +
        "  llmdeploy plan --model llama-3.1-8b --input-tokens 512 --output-tokens 256 --concurrency 32 --tpot-ms 30 --gpu l4 --gpu l40s\n" +
        "  llmdeploy plan --model 70b --defaults --precision bf16 --precision int4 --request-rate 5 --ttft-ms 1500 --json\n" +
        "  llmdeploy plan --config examples/specs/llama-70b-int4.yaml --out deploy/\n" +
        "  llmdeploy plan --config examples/specs/chat-7b.yaml --out examples/deployments/chat-7b --dry-run\n",
    )
    .action((opts: Raw) => run(d.plan(opts)));

  program
    .command("schema")
    .summary("print the JSON Schema of the plan spec file (or of a calibration profile)")
    .argument(
      "[kind]",
      "spec (default): the plan spec file; calibration: the profile llmdeploy calibrate writes",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  llmdeploy schema > llmdeploy-spec.schema.json\n  llmdeploy schema calibration > llmdeploy-calibration.schema.json\n",
    )
    .action((kind: string | undefined) => run(d.schema(kind)));

  program
    .command("completion")
    .summary("print a shell completion script (bash, zsh or fish)")
    .argument("<shell>", "bash, zsh or fish")
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  llmdeploy completion bash > ~/.local/share/bash-completion/completions/llmdeploy\n" +
        '  llmdeploy completion zsh > "${fpath[1]}/_llmdeploy"\n' +
        "  llmdeploy completion fish > ~/.config/fish/completions/llmdeploy.fish\n",
    )
    .action((shell: string) => run(d.completion(shell, program)));

  program
    .command("render")
    .summary("write the deployment files for a plan (Dockerfile, compose or Kubernetes, nginx, monitoring)")
    .description(
      "Render plan.yaml (from llmdeploy plan --out) into the files that run it: the engine's launch script and\n" +
        "Dockerfile, docker compose or Kubernetes manifests, nginx (API keys, streaming, TLS), Prometheus\n" +
        "scrape config and alerts, and a README. Every number comes from the plan. Secrets are never written:\n" +
        "files refer to secret files or Kubernetes Secrets that you create.",
    )
    .argument("<plan>", "plan.yaml (or a folder that contains it)")
    .option("-o, --out <dir>", "folder to write into (created if missing)")
    .option(
      "--force",
      "overwrite files that differ from what the plan renders, and remove stale ones even when edited",
    )
    .option("--dry-run", "list what would be written or changed; write nothing")
    .option(
      "--check",
      "exit 1 when the folder is not what the plan renders (for CI), with the diff on stdout; write nothing",
    )
    .option("--generate-api-key", "also write secrets/api-keys.map with one random key (mode 0600)")
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  llmdeploy render examples/deployments/chat-7b/plan.yaml --out deploy/ --dry-run\n" +
        "  llmdeploy render examples/deployments/chat-7b/plan.yaml --out examples/deployments/chat-7b --check\n",
    )
    .action((plan: string, opts: Raw) => run(d.render(plan, opts)));

  program
    .command("bench")
    .summary("load-test an OpenAI-compatible endpoint: latency percentiles, throughput, errors")
    .description(
      "Send streamed requests to --url (closed loop with --concurrency, or Poisson arrivals with " +
        "--request-rate) and report TTFT, TPOT, inter-token latency and end-to-end latency " +
        "(p50/p90/p95/p99), throughput and errors by kind. With --plan, compare with the plan's predictions. " +
        "With --duration, streams still running at the deadline are cut and reported as incomplete (not errors).\n\n" +
        "Bounds: one SSE event at most 1 MiB (2^20 characters); an error body or the answer to GET /v1/models " +
        "at most 4 MiB, that GET at most 10 s; --concurrency at most 10000, --requests 100000, " +
        "--duration and --timeout 86400 s.\n\n" +
        "Exit codes: 0 done; 1 bad input, or the server cannot be reached; 3 --fail-on-miss and a figure " +
        "outside the plan's error band; 4 no request completed, every one failed (e.g. every request was " +
        "rate limited, HTTP 429); 130 stopped (Ctrl-C).",
    )
    .option("--url <url>", "base URL of the server (e.g. http://localhost:8000)")
    .option("--endpoint <kind>", "chat (/v1/chat/completions, default) or completions (/v1/completions)")
    .option("--model <name>", "model name to request (default: the first of GET /v1/models)")
    .option("--api-key <key>", "Bearer key (default: $LLMDEPLOY_API_KEY)")
    .option("--concurrency <n>", "requests in flight at once (closed loop; default 1)")
    .option("--request-rate <r>", "requests per second, Poisson arrivals (open loop)")
    .option("--requests <n>", "stop after this many requests (default 100 without --duration)")
    .option("--duration <s>", "stop after this many seconds")
    .option("--input-tokens <n>", "synthetic prompt length in tokens (default 256)")
    .option(
      "--output-tokens <n>",
      "max_tokens per request, with ignore_eos (default 128; with --prompts, none: the server decides)",
    )
    .option(
      "--prompts <file.jsonl>",
      'prompts instead of synthetic ones: {"prompt": ...} or {"messages": [...]} per line',
    )
    .option("--timeout <s>", "per-request timeout in seconds (default 300)")
    .option("--seed <n>", "seed of the Poisson arrivals (default 1)")
    .option("--plan <plan.yaml>", "compare with this plan's predicted TTFT, TPOT, e2e latency and throughput")
    .option("--fail-on-miss", "exit 3 when a figure is outside the plan's error band")
    .option("--json", "print the result as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  llmdeploy bench --url http://localhost:8000 --concurrency 16 --requests 200\n" +
        "  llmdeploy bench --url https://llm.internal --request-rate 4 --duration 120 --json\n" +
        "  llmdeploy bench --url http://localhost --plan deploy/plan.yaml --concurrency 16 --fail-on-miss\n",
    )
    .action((opts: Raw) => run(d.bench(opts)));

  addCheckCommands(program, d, run);
  // Descriptions are written as paragraphs; commander wraps them to the terminal, so a line break
  // inside a paragraph would break a line in the middle (a blank line still separates paragraphs).
  for (const cmd of program.commands) cmd.description(cmd.description().replace(/([^\n])\n(?!\n)/g, "$1 "));
  return program;
}
