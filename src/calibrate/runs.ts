/**
 * Bench results (`llmdeploy bench --json`) as the runs a calibration is fitted on: each run's workload
 * and measured means, checked one by one (a malformed file, no completed request, prompts of unknown
 * length) and against the plan and each other (another model, another GPU or engine, the same
 * workload measured twice with figures far apart). Pure: parsed JSON in, runs or a UserError out.
 */
import * as z from "zod/mini";
import { en } from "zod/locales";
import type { Plan } from "../contract/plan.js";
import { UserError } from "../errors.js";
import { workloadKey } from "./fit.js";
import type { LatencyFigures, RunWorkload } from "./profile.js";

// zod/mini with the English messages (as src/contract/spec.ts).
z.config(en());

/** What bench --plan recorded of the deployment it measured (bench JSON `planned`). */
export interface PlannedRecord {
  gpu: string;
  engine: string;
  engineVersion: string | null;
  servedModelName: string | null;
}

export interface BenchRun {
  file: string;
  /** The model name the requests asked for. */
  model: string;
  workload: RunWorkload;
  measured: LatencyFigures;
  planned: PlannedRecord | null;
  /** Things to know about the run (failed requests, stopped early), one sentence each. */
  notes: string[];
}

const nonNegInt = z.int().check(z.gte(0));
const posInt = z.int().check(z.positive());
const mean = z.object({ mean: z.nullable(z.number().check(z.gt(0))) });
const benchSchema = z.object({
  ttftMs: mean,
  tpotMs: mean,
  requests: nonNegInt,
  outputTokens: nonNegInt,
  model: z.string(),
  errors: z.record(z.string(), z.number()),
  load: z.object({
    concurrency: z.nullable(posInt),
    requestRate: z.nullable(z.number().check(z.gt(0))),
  }),
  partial: z.optional(z.boolean()),
  workload: z.optional(
    z.object({
      inputTokens: z.nullable(posInt),
      maxTokens: z.nullable(posInt),
    }),
  ),
  planned: z.optional(
    z.nullable(
      z.object({
        gpu: z.string(),
        engine: z.string(),
        engineVersion: z.nullable(z.string()),
        servedModelName: z.nullable(z.string()),
      }),
    ),
  ),
});

const MAKE = "make one with llmdeploy bench --url URL --plan plan.yaml --json > result.json";

/** One bench result as a run; a UserError naming `file` when it cannot be one. */
export function readBenchResult(raw: unknown, file: string): BenchRun {
  const r = benchSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const field = i.path.map(String).join(".");
    throw new UserError(
      `${file} is not a bench result: ${field ? `${field}: ` : ""}${i.message}`,
      MAKE,
      1,
      "bench",
    );
  }
  const b = r.data;
  if (b.requests === 0) {
    const errs = Object.entries(b.errors).map(([k, n]) => `${k} ${n}`);
    throw new UserError(
      `${file}: no request completed${errs.length ? ` (errors: ${errs.join(", ")})` : ""}: nothing to calibrate with`,
      "fix what made the requests fail (bench prints it), run bench again and pass that result",
      1,
      "bench",
    );
  }
  if (!b.workload)
    throw new UserError(
      `${file} does not record the prompt length it ran (a bench result from an older llmdeploy)`,
      "run bench again with this llmdeploy and pass that result",
      1,
      "bench",
    );
  if (b.workload.inputTokens === null)
    throw new UserError(
      `${file} ran prompts from a file (--prompts): their length in tokens is unknown`,
      "bench with synthetic prompts (--input-tokens N) to calibrate",
      1,
      "bench",
    );
  const measured = { ttftMs: b.ttftMs.mean, tpotMs: b.tpotMs.mean };
  if (measured.ttftMs === null && measured.tpotMs === null)
    throw new UserError(`${file} measured neither TTFT nor TPOT`, MAKE, 1, "bench");
  const notes: string[] = [];
  const failed = Object.values(b.errors).reduce((a, n) => a + n, 0);
  if (failed > 0.1 * (failed + b.requests))
    notes.push(
      `${file}: ${failed} of ${failed + b.requests} requests failed; its figures are those of the ones that completed`,
    );
  if (b.partial) notes.push(`${file} was stopped early (Ctrl-C): its figures are partial`);
  return {
    file,
    model: b.model,
    workload: {
      concurrency: b.load.requestRate !== null ? null : (b.load.concurrency ?? 1),
      requestRate: b.load.requestRate,
      inputTokens: b.workload.inputTokens,
      // What the completed requests produced (max_tokens with ignore_eos, unless the server stopped early).
      outputTokens: Math.max(1, Math.round(b.outputTokens / b.requests)),
      requests: b.requests,
    },
    measured,
    planned: b.planned ?? null,
    notes,
  };
}

/** "4 concurrent, 512 in / 24 out" */
export function describeWorkload(w: RunWorkload): string {
  const load = w.requestRate !== null ? `${w.requestRate} req/s` : `${w.concurrency} concurrent`;
  return `${load}, ${w.inputTokens} in / ${w.outputTokens} out`;
}

/** Two runs measuring the same workload may differ by this factor at most (1.5: 50 %). */
export const CONTRADICTION = 1.5;

/**
 * The runs against the plan and each other: a UserError for a run of another model, GPU or engine,
 * a workload the deployment cannot serve, the same file twice, or two runs of one workload whose
 * TTFT or TPOT differ by more than half.
 */
export function checkRuns(runs: readonly BenchRun[], plan: Plan): void {
  const d = plan.recommendation;
  const names = [d.engine.servedModelName, d.engine.modelRef, plan.model.hfId, plan.model.id].filter(
    (n): n is string => Boolean(n),
  );
  const seen = new Set<string>();
  for (const run of runs) {
    if (seen.has(run.file))
      throw new UserError(`${run.file} is given twice`, "pass each bench result once", 1, "bench");
    seen.add(run.file);
    if (!names.includes(run.model))
      throw new UserError(
        `${run.file} measured model "${run.model}", but the plan serves "${d.engine.servedModelName}"`,
        "pass the bench results of this plan's deployment (bench --plan plan.yaml), or the plan that deployment was made from",
        1,
        "bench",
      );
    const p = run.planned;
    if (p && (p.gpu !== d.gpu || p.engine !== d.engine.name))
      throw new UserError(
        `${run.file} was run against a plan on ${p.gpu} with ${p.engine}; this plan runs ${d.gpu} with ${d.engine.name}`,
        "calibrate each GPU × engine with its own plan and runs",
        1,
        "bench",
      );
    const w = run.workload;
    if (w.inputTokens + w.outputTokens > d.engine.maxModelLen)
      throw new UserError(
        `${run.file} ran ${w.inputTokens} + ${w.outputTokens} tokens per request, more than the plan's max model len ${d.engine.maxModelLen}`,
        "pass runs of this plan's deployment",
        1,
        "bench",
      );
  }
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const a = runs[i]!;
      const b = runs[j]!;
      if (workloadKey(a.workload) !== workloadKey(b.workload)) continue;
      for (const [fig, name] of [
        ["ttftMs", "TTFT"],
        ["tpotMs", "TPOT"],
      ] as const) {
        const x = a.measured[fig];
        const y = b.measured[fig];
        if (x === null || y === null || Math.max(x, y) / Math.min(x, y) <= CONTRADICTION) continue;
        throw new UserError(
          `${a.file} and ${b.file} ran the same workload (${describeWorkload(a.workload)}) but measured ${name} ${x.toFixed(1)} and ${y.toFixed(1)} ms, ${Math.round((Math.max(x, y) / Math.min(x, y) - 1) * 100)} % apart`,
          "one of them did not measure this deployment as it is now: run bench again and pass the runs that agree",
          1,
          "bench",
        );
      }
    }
  }
}
