import { describe, expect, it } from "vitest";
import { parseFactors } from "../../src/cli/calibrate.js";
import { UserError } from "../../src/errors.js";
import { estimateOptions } from "../../src/cli/estimate.js";
import { specFromFlags } from "../../src/cli/plan.js";
import { createProgram, type Dispatch, type Raw } from "../../src/cli/program.js";

// From argv to the options object a command receives (changesets' cli.test.ts): commander's parsing,
// then the command's own parser (src/cli/flags.ts), with nothing run.
async function parse(argv: string[]): Promise<{ command: string; args: unknown[]; opts: Raw }> {
  let seen: { command: string; args: unknown[]; opts: Raw } | null = null;
  const record =
    (command: string) =>
    async (...args: unknown[]) => {
      const opts = (args.find((a) => typeof a === "object" && a !== null && !("commands" in a)) ?? {}) as Raw;
      seen = { command, args: args.filter((a) => typeof a === "string"), opts };
    };
  const d: Dispatch = {
    estimate: record("estimate"),
    models: record("models"),
    gpus: record("gpus"),
    plan: record("plan"),
    schema: record("schema"),
    completion: record("completion"),
    render: record("render"),
    bench: record("bench"),
    verify: record("verify"),
    calibrate: record("calibrate"),
  };
  const program = createProgram(d, (p) => p);
  program.exitOverride();
  for (const c of program.commands) c.exitOverride();
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  for (const c of program.commands) c.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  await program.parseAsync(argv, { from: "user" });
  if (!seen) throw new Error("no command ran");
  return seen;
}

describe("argv -> estimate options", () => {
  const cases: [string[], Partial<ReturnType<typeof estimateOptions>>][] = [
    [
      ["estimate", "70b"],
      { precision: undefined, concurrency: 1, inputTokens: 1024, outputTokens: 256, engine: undefined },
    ],
    [["estimate", "70b", "--int4"], { precision: "int4" }],
    [
      ["estimate", "70b", "--precision", "fp8", "--gpu", "h100", "--tp", "2"],
      { precision: "fp8", gpu: "h100", tp: 2 },
    ],
    [
      ["estimate", "8b", "--kv-cache-dtype", "fp8", "--max-model-len", "32768"],
      { kvCacheDtype: "fp8", maxModelLen: 32768 },
    ],
    [
      ["estimate", "8b", "--gpu-memory-utilization", "0.85", "--max-num-seqs", "64"],
      { gpuMemoryUtilization: 0.85, maxNumSeqs: 64 },
    ],
    [
      ["estimate", "8b", "--engine", "llamacpp", "--request-rate", "2.5"],
      { engine: "llamacpp", requestRate: 2.5 },
    ],
    [["estimate", "8b", "--json"], { json: true }],
    [["estimate", "8b", "--gpu", "l4", "--report", "out/est.html"], { gpu: "l4", report: "out/est.html" }],
    [["estimate", "8b"], { report: undefined }],
    [["estimate", "8b"], { calibration: undefined }],
    [["estimate", "8b", "--calibration", "cal.json"], { calibration: "cal.json" }],
    [["estimate", "8b", "--calibration", "none"], { calibration: "none" }],
  ];
  for (const [argv, want] of cases) {
    it(argv.join(" "), async () => {
      const r = await parse(argv);
      expect(r.command).toBe("estimate");
      expect(estimateOptions(r.opts)).toMatchObject(want);
    });
  }

  it("bad values are refused naming the flag", async () => {
    const bad: [string[], RegExp][] = [
      [["estimate", "8b", "--concurrency", "0"], /--concurrency takes a positive whole number, got "0"/],
      [["estimate", "8b", "--gpu-memory-utilization", "1.5"], /--gpu-memory-utilization is at most 1/],
      [["estimate", "8b", "--engine", "vllmx"], /--engine is one of vllm, sglang/],
      [["estimate", "8b", "--tp", "two"], /--tp takes a positive whole number/],
    ];
    for (const [argv, re] of bad) {
      const r = await parse(argv);
      expect(() => estimateOptions(r.opts)).toThrow(re);
    }
  });

  it("commander refuses conflicting shorthands", async () => {
    await expect(parse(["estimate", "70b", "--int4", "--fp8"])).rejects.toThrow(/cannot be used with/);
  });
});

describe("argv -> plan spec", () => {
  const cases: [string[], Record<string, unknown>][] = [
    [["plan", "--model", "70b", "--defaults"], { model: "70b" }],
    [
      [
        "plan",
        "--model",
        "8b",
        "--precision",
        "bf16,fp8",
        "--precision",
        "int4",
        "--gpu",
        "l4",
        "--gpu",
        "l40s",
      ],
      { precision: ["bf16", "fp8", "int4"], gpus: ["l4", "l40s"] },
    ],
    [
      ["plan", "--model", "8b", "--ttft-ms", "500", "--tpot-ms", "none"],
      { targets: { ttftMs: 500, tpotMs: "none", e2eMs: undefined } },
    ],
    [
      ["plan", "--model", "8b", "--gpu-price", "h100-sxm=2.1", "--gpu-purchase", "l40s=8000"],
      { gpuPrices: { "h100-sxm": 2.1 }, gpuPurchaseUsd: { l40s: 8000 } },
    ],
    [
      ["plan", "--model", "8b", "--request-rate", "3", "--max-gpus", "16", "--engine", "sglang"],
      { requestRate: 3, maxGpus: 16, engine: "sglang" },
    ],
    [
      ["plan", "--model", "70b", "--model-ref", "me/llama-70b-awq", "--precision", "int4"],
      { model: "70b", modelRef: "me/llama-70b-awq", precision: ["int4"] },
    ],
    [
      ["plan", "--model", "8b", "--provider", "aws", "--pricing", "spot", "--allow-consumer-gpus"],
      { provider: "aws", pricing: "spot", allowConsumerGpus: true },
    ],
    [
      ["plan", "--model", "8b", "--users", "300", "--think-time", "20", "--target-confidence", "median"],
      { users: 300, thinkTimeSeconds: 20, targetConfidence: "median" },
    ],
    [
      ["plan", "--model", "8b", "--users", "300", "--requests-per-user-per-minute", "1.5"],
      { users: 300, requestsPerUserPerMinute: 1.5 },
    ],
  ];
  for (const [argv, want] of cases) {
    it(argv.join(" "), async () => {
      const r = await parse(argv);
      expect(r.command).toBe("plan");
      expect(specFromFlags(r.opts)).toMatchObject(want);
    });
  }

  it("plan --report FILE reaches the command and stays out of the spec", async () => {
    const r = await parse(["plan", "--model", "8b", "--defaults", "--report", "plan.html"]);
    expect(r.opts).toMatchObject({ report: "plan.html", defaults: true });
    expect(Object.keys(specFromFlags(r.opts))).toEqual(["model"]);
  });

  it("verify --deployment DIR reaches the command", async () => {
    const r = await parse(["verify", "--deployment", "deploy/", "--json"]);
    expect(r).toMatchObject({ command: "verify", opts: { deployment: "deploy/", json: true } });
  });

  it("flags not given stay out of the spec (so a --config file can supply them)", async () => {
    const r = await parse(["plan", "--model", "8b"]);
    expect(Object.keys(specFromFlags(r.opts))).toEqual(["model"]);
  });

  it("--calibration reaches plan but is not part of the spec", async () => {
    const r = await parse(["plan", "--model", "8b", "--calibration", "team/cal.json"]);
    expect(r.opts.calibration).toBe("team/cal.json");
    expect(Object.keys(specFromFlags(r.opts))).toEqual(["model"]);
  });
});

describe("argv -> calibrate and schema", () => {
  it("calibrate: repeatable --bench and --log, the plan, the profile to write, the factors", async () => {
    const r = await parse([
      "calibrate",
      "--bench",
      "c4.json",
      "--bench",
      "c16.json",
      "--log",
      "vllm.log",
      "--plan",
      "deploy/plan.yaml",
      "--out",
      "cal.json",
      "--factors",
      "bandwidth,step-overhead",
      "--force",
    ]);
    expect(r).toMatchObject({
      command: "calibrate",
      opts: {
        bench: ["c4.json", "c16.json"],
        log: ["vllm.log"],
        plan: "deploy/plan.yaml",
        out: "cal.json",
        factors: "bandwidth,step-overhead",
        force: true,
      },
    });
    expect(parseFactors(r.opts.factors as string)).toEqual(["bandwidth", "stepOverheadMs"]);
  });

  it("--factors: names as typed or as the profile spells them; anything else refused", () => {
    expect(parseFactors(undefined)).toBeUndefined();
    expect(parseFactors("request-overhead,compute,compute")).toEqual(["compute", "requestOverheadMs"]);
    expect(parseFactors("stepOverheadMs")).toEqual(["stepOverheadMs"]);
    expect(() => parseFactors("speed")).toThrow(/^--factors: "speed" is not a factor$/);
    expect(() => parseFactors(",")).toThrow(/^--factors needs at least one factor$/);
  });

  it("schema takes an optional kind", async () => {
    expect((await parse(["schema"])).args).toEqual([]);
    expect((await parse(["schema", "calibration"])).args).toEqual(["calibration"]);
  });
});

describe("an empty value is refused, never taken as 'not given'", () => {
  // Before: `plan --out ""` printed the plan and wrote nothing, exit 0; `plan --config ""` ignored the
  // file; `estimate --report ""` wrote no report. Each now stops with one line naming the flag.
  const cases: [string[], string][] = [
    [["plan", "--model", "8b", "--defaults", "--out", ""], "--out"],
    [["plan", "--model", "8b", "--defaults", "--out= "], "--out"],
    [["plan", "--config", "", "--defaults"], "--config"],
    [["plan", "--model", "8b", "--defaults", "--report", ""], "--report"],
    [["plan", "--model", "8b", "--defaults", "--gpu", "l4", "--gpu", ""], "--gpu"],
    [["estimate", "8b", "--report", ""], "--report"],
    [["estimate", "8b", "--calibration", ""], "--calibration"],
    [["render", "plan.yaml", "--out", ""], "--out"],
    [["verify", "--deployment", ""], "--deployment"],
    [["verify", "--log", "", "--plan", "p.yaml"], "--log"],
    [["bench", "--url", "http://127.0.0.1:1", "--prompts", ""], "--prompts"],
    [["calibrate", "--bench", "r.json", "--plan", "", "--out", "c.json"], "--plan"],
  ];
  for (const [argv, flag] of cases) {
    it(argv.map((a) => JSON.stringify(a)).join(" "), async () => {
      const e = await parse(argv).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).message).toBe(`${flag} was given an empty value`);
      expect((e as UserError).hint).toMatch(new RegExp(`^pass ${flag} <[^>]+>, or leave ${flag} out`));
    });
  }

  it("an empty argument is refused too; a flag without value is commander's own error", async () => {
    await expect(parse(["render", "", "--out", "deploy"])).rejects.toThrow("the plan argument is empty");
    await expect(parse(["estimate", "  "])).rejects.toThrow("the model argument is empty");
    await expect(parse(["plan", "--out"])).rejects.toThrow(/argument missing/);
  });
});

describe("plan: one output format", () => {
  it("--json and --yaml together are refused (was: --yaml silently ignored)", async () => {
    await expect(parse(["plan", "--model", "8b", "--defaults", "--json", "--yaml"])).rejects.toThrow(
      /option '--yaml' cannot be used with option '--json'/,
    );
  });
});
