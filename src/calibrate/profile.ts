/**
 * The calibration profile: what `llmdeploy calibrate` fitted for one GPU × engine (× release) from
 * bench results and start-up logs of a deployment, as a small versioned JSON file a team commits next
 * to its specs. `estimate` and `plan` read it (--calibration, LLMDEPLOY_CALIBRATION, or the default
 * location) and use its factors in place of the committed ones for placements on that GPU × engine.
 * `llmdeploy schema calibration` prints its JSON Schema.
 *
 * Version 1 (`"llmdeployCalibration": 1`). Fields are a contract: add, never rename; a reader of
 * version 1 refuses a file of another version with one line.
 */
import * as z from "zod/mini";
import { en } from "zod/locales";
import type { CalibrationFactor } from "../contract/plan.js";

// zod/mini with the English messages (as src/contract/spec.ts).
z.config(en());

/** The profile format this llmdeploy writes and reads. */
export const PROFILE_VERSION = 1;

export {
  FACTORS,
  type FactorInfo,
  type FactorName,
  type FactorUnit,
  MEMORY_FACTORS,
  type MemoryFactor,
  PERF_FACTORS,
  type PerfFactor,
} from "./factors.js";
import { type FactorName, MEMORY_FACTORS, PERF_FACTORS } from "./factors.js";

/** A factor as applied: its value, the value it replaces, what it is (the plan contract's shape). */
export type FactorValue = CalibrationFactor;

/** A factor in the profile: as applied, and how it was obtained. */
export interface ProfileFactor extends FactorValue {
  /** bench: fitted to bench results; log: measured in start-up logs. */
  from: "bench" | "log";
  /** The fit's range (bench factors). */
  bounds: [number, number] | null;
  /** The fit stopped at a bound: the runs ask for more than this factor alone can give. */
  atBound: boolean;
}

/** The load and request shape of one bench run, as the performance model takes it. */
export interface RunWorkload {
  concurrency: number | null;
  requestRate: number | null;
  inputTokens: number;
  /** Mean output tokens of the completed requests. */
  outputTokens: number;
  /** Completed requests. */
  requests: number;
}

export interface LatencyFigures {
  ttftMs: number | null;
  tpotMs: number | null;
}

export interface FittedRun {
  /** The bench result's file name (without its folder). */
  file: string;
  workload: RunWorkload;
  /** Means over the run's requests, as bench measured them. */
  measured: LatencyFigures;
  /** The model's prediction at this workload without the profile, and with it. */
  before: LatencyFigures;
  after: LatencyFigures;
}

export interface LogRecord {
  file: string;
  /** vLLM release the log names, or null. */
  version: string | null;
  tensorParallel: number | null;
  nonTorchBytes: number | null;
  cudaGraphBytes: number | null;
}

export interface CalibrationProfile {
  llmdeployCalibration: 1;
  /** GPU catalog id (llmdeploy gpus) and name. */
  gpu: string;
  gpuName: string;
  /** Engine name (vllm, sglang, ...) and the release the runs measured. */
  engine: string;
  engineVersion: string;
  /** The model the runs served; the factors apply to any model on this GPU × engine. */
  model: string;
  /** The deployment the runs measured (from the plan). */
  deployment: {
    tensorParallel: number;
    pipelineParallel: number;
    replicas: number;
    precision: string;
    kvCacheDtype: string;
  };
  factors: Partial<Record<FactorName, ProfileFactor>>;
  /** Factors left at the engine's values, each with why. */
  notFitted: { factor: FactorName; reason: string }[];
  fittedOn: FittedRun[];
  logs: LogRecord[];
  /**
   * Root mean square of ln(predicted / measured) over the runs' TTFT and TPOT, as a share
   * (exp(rms) − 1): 0.04 is 4 %. Null without bench runs. `residualBefore`: the same without the
   * profile.
   */
  residual: number | null;
  residualBefore: number | null;
  createdAt: string;
  createdBy: string;
}

// ---------------------------------------------------------------------------------------------
// Schema (zod/mini): the reader validates every field it uses; unknown fields pass (added later).

const d = (text: string) => z.describe(text);
const finite = z.number();
const nonNeg = z.number().check(z.gte(0));
const posInt = z.int().check(z.positive());
const text = z.string().check(z.minLength(1));
const figure = z.nullable(nonNeg);
const latency = z.object({ ttftMs: figure, tpotMs: figure });
const factorName = z.enum([...PERF_FACTORS, ...MEMORY_FACTORS]);

const profileFactor = z.object({
  label: z.string(),
  value: nonNeg.check(d("the value used with the profile")),
  default: nonNeg.check(d("the value used without it")),
  unit: z.enum(["share", "ms", "bytes"]),
  from: z.enum(["bench", "log"]),
  bounds: z.nullable(z.tuple([finite, finite])),
  atBound: z.boolean(),
});

const factors = z.object({
  bandwidth: z.optional(
    profileFactor.check(d("achieved share of the GPU's peak memory bandwidth in decode")),
  ),
  compute: z.optional(profileFactor.check(d("achieved share of the GPU's peak tensor FLOPS in prefill"))),
  stepOverheadMs: z.optional(profileFactor.check(d("fixed cost of one engine step, ms"))),
  requestOverheadMs: z.optional(
    profileFactor.check(d("fixed latency of a request outside the GPU passes (HTTP, tokenising, proxy), ms")),
  ),
  nonTorchBytes: z.optional(profileFactor.check(d("non-torch memory per GPU, bytes"))),
  cudaGraphBytes: z.optional(profileFactor.check(d("CUDA graph pool per GPU, bytes"))),
});

export const profileSchema = z.object({
  llmdeployCalibration: z.literal(PROFILE_VERSION).check(d("profile format version")),
  gpu: text.check(d("GPU catalog id (llmdeploy gpus)")),
  gpuName: z.string(),
  engine: text.check(d("engine name: vllm, sglang, trtllm, llamacpp, ollama, tgi")),
  engineVersion: text.check(d("the engine release the runs measured")),
  model: text.check(d("the model the runs served")),
  deployment: z.object({
    tensorParallel: posInt,
    pipelineParallel: posInt,
    replicas: posInt,
    precision: text,
    kvCacheDtype: text,
  }),
  factors: factors.check(
    z.refine((f) => Object.keys(f).length > 0, { message: "must hold at least one factor" }),
  ),
  notFitted: z.array(z.object({ factor: factorName, reason: z.string() })),
  fittedOn: z.array(
    z.object({
      file: z.string(),
      workload: z.object({
        concurrency: z.nullable(posInt),
        requestRate: z.nullable(z.number().check(z.gt(0))),
        inputTokens: posInt,
        outputTokens: posInt,
        requests: posInt,
      }),
      measured: latency,
      before: latency,
      after: latency,
    }),
  ),
  logs: z.array(
    z.object({
      file: z.string(),
      version: z.nullable(z.string()),
      tensorParallel: z.nullable(posInt),
      nonTorchBytes: figure,
      cudaGraphBytes: figure,
    }),
  ),
  residual: z.nullable(nonNeg.check(d("RMS of ln(predicted / measured) as a share: 0.04 = 4 %"))),
  residualBefore: z.nullable(nonNeg),
  createdAt: z.string(),
  createdBy: z.string(),
});

/** The profile's JSON Schema (`llmdeploy schema calibration`). */
export function profileJsonSchema(): unknown {
  return {
    ...(z.toJSONSchema(profileSchema) as Record<string, unknown>),
    title: "llmdeploy calibration profile",
    description:
      "Written by `llmdeploy calibrate`; read by `estimate` and `plan` (--calibration FILE, LLMDEPLOY_CALIBRATION, or $XDG_CONFIG_HOME/llmdeploy/calibration.json).",
  };
}

/** A parsed JSON document as a profile, or the first problem as one sentence. */
export function parseProfile(raw: unknown): { profile: CalibrationProfile } | { problem: string } {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return { problem: "is not a calibration profile (expected a JSON object)" };
  const version = (raw as Record<string, unknown>).llmdeployCalibration;
  if (version === undefined)
    return { problem: 'is not a calibration profile (no "llmdeployCalibration" field)' };
  if (version !== PROFILE_VERSION)
    return {
      problem: `is a version ${JSON.stringify(version)} calibration profile; this llmdeploy reads version ${PROFILE_VERSION}`,
    };
  const r = profileSchema.safeParse(raw);
  if (r.success) return { profile: r.data as CalibrationProfile };
  const issue = r.error.issues[0]!;
  const field = issue.path.map(String).join(".");
  return { problem: `is not a valid calibration profile: ${field || "(top level)"}: ${issue.message}` };
}
