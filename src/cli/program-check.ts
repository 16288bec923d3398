/**
 * The commands that check a deployment against its plan: `verify` (files, start-up logs) and
 * `calibrate` (bench results and logs fitted into a profile). Split from program.ts.
 */
import type { Command } from "commander";
import { type Code, collect, type Dispatch, type Raw } from "./program.js";

/** Adds verify and calibrate to `program`; their actions go through `run`, as the others'. */
export function addCheckCommands(program: Command, d: Dispatch, run: (p: Code) => Promise<void>): void {
  program
    .command("verify")
    .summary("check a deployment's files against its plan, or a vLLM start-up log against the ledger")
    .description(
      "--deployment DIR: read the files themselves (launch script arguments, compose and Kubernetes env\n" +
        "and args, the image), find the checkpoint they load, re-size that exact configuration on the\n" +
        "planned GPU and compare it with plan.yaml: same weights, fits, KV cache within 1 %. Exit 0 when\n" +
        "consistent, 1 with one line per mismatch.\n\n" +
        "--log FILE: read the memory figures vLLM prints at start-up (weights, activation peak, non-torch\n" +
        "memory, CUDA graphs, KV cache in GiB and tokens, maximum concurrency) and compare each with the\n" +
        "plan's ledger, or with the ledger computed for --model on --gpu; explain the differences and the\n" +
        "flag to change. Settings the log states that differ from the ledger's are reported first; a failed\n" +
        "start gets a verdict. Exit codes: 0 done; 3 --fail-on-miss and a figure off or a failed start; 1 bad input.",
    )
    .option("--deployment <dir>", "a folder written by plan --out or render --out (holds plan.yaml)")
    .option("--log <file>", "the engine's start-up log")
    .option("--plan <plan.yaml>", "the plan the engine was deployed from")
    .option("--model <model>", "without --plan: the model (default: the one the log names)")
    .option("--gpu <id>", "without --plan: the GPU type")
    .option(
      "--precision <id>",
      "without --plan: the precision served, e.g. fp8 or int4 (default: fp8 when the log says quantization=fp8, else the model's own)",
    )
    .option("--tp <n>", "tensor parallel size (default: from the log)")
    .option("--pp <n>", "pipeline parallel size (default: from the log)")
    .option("--max-model-len <n>", "default: from the log")
    .option("--gpu-memory-utilization <f>", "default: from the log, else the release's default")
    .option(
      "--engine-version <x.y[.z]>",
      "vLLM release the ledger models (default: the one the log names, else the pinned 0.28.0)",
    )
    .option("--fail-on-miss", "exit 3 when a figure is outside its tolerance or the engine failed to start")
    .option("--json", "print the comparison as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  llmdeploy verify --deployment examples/deployments/llama-70b-int4\n" +
        "  llmdeploy verify --log test/fixtures/vllm-logs/qwen2-7b-a100-tp2.log --model qwen2.5-7b --gpu a100-80g\n" +
        "  llmdeploy verify --log test/fixtures/vllm-logs/qwen2-7b-a100-tp1.log --plan examples/deployments/chat-7b/plan.yaml --json\n",
    )
    .action((opts: Raw) => run(d.verify(opts)));

  program
    .command("calibrate")
    .summary("fit the performance model (and memory overheads) to bench results and logs of a deployment")
    .description(
      "Fit the efficiency factors of the performance model for the plan's GPU × engine × release to what bench\n" +
        "measured (mean TTFT and TPOT of each run): the decode bandwidth share from TPOT, the prefill compute\n" +
        "share from TTFT, the step overhead with runs at two or more workloads, the serving overhead per request\n" +
        "with runs at two or more prompt lengths (or in place of a share that cannot explain the runs: a fixed\n" +
        "latency at one prompt length); with --log, the non-torch and CUDA graph memory vLLM reported.\n" +
        "Prints what changed and writes a profile that estimate and plan apply (--calibration FILE,\n" +
        "LLMDEPLOY_CALIBRATION, or $XDG_CONFIG_HOME/llmdeploy/calibration.json). Nothing is written on bad input.",
    )
    .option("--bench <result.json>", "a bench --json result of the deployment (repeatable)", collect)
    .option("--log <vllm.log>", "a vLLM start-up log of the deployment (repeatable)", collect)
    .option("--plan <plan.yaml>", "the plan the deployment was made from (or its folder)")
    .option("-o, --out <profile.json>", "write the profile here (default: print only)")
    .option("--force", "replace an existing --out file")
    .option(
      "--factors <list>",
      "fit only these: bandwidth, compute, step-overhead, request-overhead (comma-separated; default: what the runs identify)",
    )
    .option("--json", "print the result (and the profile) as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  llmdeploy calibrate --bench test/fixtures/bench/chat-7b-fake-c16.json --plan examples/deployments/chat-7b/plan.yaml\n" +
        "  llmdeploy calibrate --bench test/fixtures/bench/chat-7b-fake-c4.json --bench test/fixtures/bench/chat-7b-fake-c16.json --plan examples/deployments/chat-7b/plan.yaml --out calibration.json\n",
    )
    .action((opts: Raw) => run(d.calibrate(opts)));
}
