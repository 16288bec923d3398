/**
 * The plan file's schema: every field `render`, `bench --plan` and `verify --plan` read, with its type
 * and range, so a hand-edited or foreign plan.yaml is refused with the field's path before anything
 * is rendered (never `internal error`, NaN or `[object Object]` in a file). Fields added to the
 * contract after a release are optional here, so older plan files keep loading; unknown fields pass.
 */
import * as z from "zod/mini";
import { ENGINE_NAMES } from "../engines/index.js";
import { isPinnedImage } from "../render/images.js";

const num = z.number(); // zod rejects NaN and ±Infinity
const nonNeg = z.number().check(z.gte(0));
const posInt = z.int().check(z.positive());
const nonNegInt = z.int().check(z.gte(0));
const text = z.string().check(z.minLength(1));
/**
 * A word an engine's command line carries (argv and environment are C strings; a launch script must
 * stay runnable): no control characters, no line or paragraph separators.
 */
const word = z.string().check(
  z.minLength(1),
  // eslint-disable-next-line no-control-regex
  z.refine((s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s), {
    message: "must not contain control characters or line breaks",
  }),
);
const fraction = z.number().check(z.gt(0), z.lte(1));
const kvDtype = z.enum(["auto", "fp8"]);
const ms = z.nullable(nonNeg);

const perGpu = z.object({
  totalBytes: nonNeg,
  budgetBytes: z.optional(num),
  weightsBytes: nonNeg,
  activationBytes: nonNeg,
  nonTorchBytes: nonNeg,
  cudaGraphBytes: nonNeg,
  kvCacheBytes: num,
});

/** Mean and percentiles of one figure over a replayed run. */
const figureSummary = z.object({ mean: nonNeg, p50: nonNeg, p90: nonNeg, p95: nonNeg, p99: nonNeg });

/** A finite run replayed pass by pass (plan --num-requests): what bench --plan compares with. */
const replay = z.object({
  numRequests: posInt,
  loop: z.enum(["closed", "open"]),
  concurrency: z.nullable(posInt),
  requestRate: z.nullable(z.number().check(z.gt(0))),
  seed: z.nullable(z.int()),
  passes: nonNeg,
  durationS: nonNeg,
  requestsPerSec: nonNeg,
  outputTokensPerSec: nonNeg,
  ttftMs: figureSummary,
  tpotMs: figureSummary,
  e2eLatencyMs: figureSummary,
});

const performance = z.object({
  ttftMs: nonNeg,
  tpotMs: nonNeg,
  e2eLatencyMs: nonNeg,
  outputTokensPerSec: nonNeg,
  outputTokensPerSecPerUser: nonNeg,
  requestsPerSec: nonNeg,
  batch: nonNeg,
  queued: nonNeg,
  percentiles: z.nullable(
    z.object({
      ttftP50Ms: nonNeg,
      ttftP95Ms: nonNeg,
      e2eP50Ms: nonNeg,
      e2eP95Ms: nonNeg,
      // Added with the replay: optional, so older plan files keep loading.
      ttftP90Ms: z.optional(nonNeg),
      ttftP99Ms: z.optional(nonNeg),
      e2eP90Ms: z.optional(nonNeg),
      e2eP99Ms: z.optional(nonNeg),
    }),
  ),
  errorBand: nonNeg,
  // Per-figure bands (bench --plan judges each figure by its own): optional, older plans lack them.
  errorBandTtft: z.optional(nonNeg),
  errorBandTpot: z.optional(nonNeg),
  errorBandThroughput: z.optional(nonNeg),
  replay: z.optional(replay),
  bottleneck: z.string(),
  saturated: z.boolean(),
  capacity: nonNeg,
});

const engine = z.object({
  name: z.enum(ENGINE_NAMES),
  image: z.string().check(
    z.refine((s) => s.trim() === "" || isPinnedImage(s.trim()), {
      message:
        "must be a pinned image (name:tag or name@sha256:..., not latest), or empty for llmdeploy's pin",
    }),
  ),
  maxModelLen: posInt,
  gpuMemoryUtilization: fraction,
  maxNumSeqs: posInt,
  maxNumBatchedTokens: posInt,
  blockSize: posInt,
  kvCacheDtype: kvDtype,
  quantization: z.nullable(z.string()),
  dtype: z.enum(["auto", "half"]),
  modelRef: word,
  servedModelName: word,
  version: z.optional(z.string()),
  enforceEager: z.optional(z.boolean()),
});

const checkpoint = z.object({
  source: z.enum(["model", "catalog", "in-flight", "user"]),
  repo: z.nullable(word),
  localPath: z.nullable(word),
  file: z.nullable(word),
  format: text,
  label: z.string(),
  config: z.nullable(z.enum(["verbatim", "assumed", "files"])),
  url: z.nullable(z.string()),
  gated: z.optional(z.nullable(z.boolean())),
});

export const deploymentSchema = z.object({
  gpu: word,
  gpuName: z.string(),
  gpuProduct: z.optional(word),
  deviceKind: z.enum(["gpu", "cpu"]),
  gpuCount: posInt,
  gpusPerNode: posInt,
  nodes: posInt,
  tensorParallel: posInt,
  pipelineParallel: posInt,
  replicas: posInt,
  mode: z.enum(["standalone", "single-node", "distributed"]),
  precision: word,
  kvCacheDtype: kvDtype,
  engine,
  // Added in 0.2: optional, so older plan files keep loading.
  checkpoint: z.optional(checkpoint),
  memory: z.object({ perGpu, weightsBytes: nonNeg, kvCacheTokens: nonNeg, maxConcurrency: nonNeg }),
  performance,
  cost: z.object({
    perHourUsd: z.nullable(nonNeg),
    perMonthUsd: z.nullable(nonNeg),
    perMillionOutputTokensUsd: z.nullable(nonNeg),
    purchaseUsd: z.nullable(nonNeg),
    basis: z.string(),
  }),
  host: z.object({
    cpuCores: posInt,
    ramGiB: posInt,
    diskGiB: posInt,
    shmGiB: posInt,
    network: z.nullable(z.string()),
  }),
  meetsTargets: z.boolean(),
  misses: z.array(z.string()),
  // Added with providers and target margins: optional, so older plan files keep loading.
  instance: z.optional(
    z.nullable(
      z.object({
        provider: text,
        type: text,
        gpusPerInstance: posInt,
        count: posInt,
        usdPerHour: nonNeg,
        pricing: z.enum(["on-demand", "spot"]),
        region: z.nullable(z.string()),
        date: z.nullable(z.string()),
        source: z.string(),
        unusedGpus: nonNegInt,
        hostShortfall: z.optional(z.nullable(z.string())),
      }),
    ),
  ),
  targets: z.optional(
    z.array(
      z.object({
        metric: z.enum(["ttft", "tpot", "e2e"]),
        targetMs: nonNeg,
        predictedMs: nonNeg,
        pessimisticMs: nonNeg,
        band: nonNeg,
        margin: num,
        met: z.boolean(),
        withinBand: z.boolean(),
      }),
    ),
  ),
});

export const planSpecSchema = z.object({
  model: word,
  modelRef: z.optional(z.nullable(word)),
  precisions: z.array(text),
  kvCacheDtypes: z.array(kvDtype),
  maxModelLen: posInt,
  inputTokens: posInt,
  outputTokens: posInt,
  concurrency: z.nullable(posInt),
  requestRate: z.nullable(z.number().check(z.gt(0))),
  targets: z.object({ ttftMs: ms, tpotMs: ms, e2eMs: ms }),
  gpus: z.array(z.string()),
  maxGpus: posInt,
  budgetPerHourUsd: z.nullable(nonNeg),
  pricing: z.enum(["cloud", "spot", "onprem"]),
  gpuPurchaseUsd: z.record(z.string(), nonNeg),
  amortizationMonths: posInt,
  engine: z.enum(ENGINE_NAMES),
  packaging: z.enum(["compose", "kubernetes"]),
  security: z.enum(["basic", "enhanced", "enterprise"]),
  serviceName: z
    .string()
    .check(z.regex(/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/, "must be a DNS label (a-z, 0-9, '-')")),
  port: z.int().check(z.gte(1), z.lte(65535)),
  // null: the engine's own default for the GPU (SGLang computes mem_fraction_static per GPU)
  gpuMemoryUtilization: z.nullable(fraction),
  engineVersion: z.optional(
    z.string().check(z.regex(/^\d+\.\d+(\.\d+)?$|^b\d+$/, "a release such as 0.28.0")),
  ),
  enforceEager: z.optional(z.boolean()),
  provider: z.optional(z.nullable(text)),
  allowConsumerGpus: z.optional(z.boolean()),
  targetConfidence: z.optional(z.enum(["median", "band"])),
  load: z.optional(
    z.nullable(
      z.object({
        users: posInt,
        thinkTimeSeconds: z.nullable(nonNeg),
        requestsPerUserPerMinute: z.nullable(nonNeg),
        requestRate: z.number().check(z.gt(0)),
        formula: z.string(),
      }),
    ),
  ),
});

// Added with `llmdeploy calibrate`: optional and nullable, so older plan files keep loading.
const calibration = z.object({
  path: z.string(),
  source: z.enum(["flag", "env", "default"]),
  gpu: text,
  engine: text,
  engineVersion: text,
  model: z.string(),
  factors: z.record(
    z.string(),
    z.object({ label: z.string(), value: nonNeg, default: nonNeg, unit: z.enum(["share", "ms", "bytes"]) }),
  ),
  fittedOn: nonNegInt,
  residual: z.nullable(nonNeg),
  createdAt: z.string(),
  note: z.nullable(z.string()),
});

export const planSchema = z.object({
  apiVersion: z.literal("llmdeploy/v1"),
  kind: z.literal("Plan"),
  generatedBy: z.string(),
  spec: planSpecSchema,
  model: z.object({
    id: word,
    name: z.string(),
    hfId: z.nullable(z.string()),
    params: nonNegInt,
    activeParams: nonNegInt,
  }),
  recommendation: deploymentSchema,
  alternatives: z.array(deploymentSchema),
  feasible: z.boolean(),
  calibration: z.optional(z.nullable(calibration)),
  notes: z.array(z.string()),
});

// Fields added to the contract after a release (spec.engineVersion, engine.version, enforceEager ...)
// are optional here, so plan files written before them keep loading; their readers default them.

/**
 * A value of a plan file as a message may show it: a short JSON rendering (strings quoted, control
 * characters escaped, at most 60 characters), so a hostile string cannot reach the terminal as is.
 */
export function shownValue(v: unknown): string {
  let s: string;
  try {
    s = v === undefined ? "missing" : (JSON.stringify(v) ?? typeof v);
  } catch {
    s = typeof v;
  }
  // JSON leaves U+007F-U+009F and the line/paragraph separators as they are.
  s = s.replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** A field path as printed: plain keys joined with dots, any other key (a record's) quoted. */
const fieldPath = (path: readonly PropertyKey[]): string =>
  path
    .map((k) =>
      typeof k === "number" || (typeof k === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(k))
        ? String(k)
        : `[${shownValue(typeof k === "symbol" ? String(k) : k)}]`,
    )
    .join(".");

/** What a YAML value is, in words: `the string "fast"`, "a list", "nothing (the field is missing)", ... */
function kindOf(v: unknown): string {
  if (v === undefined) return "nothing (the field is missing)";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `the ${typeof v} ${shownValue(v)}`;
}

const article = (type: string) =>
  type === "int"
    ? "a whole number"
    : type === "object"
      ? "a mapping"
      : type === "array"
        ? "a list"
        : /^[aeiou]/.test(type)
          ? `an ${type}`
          : `a ${type}`;

interface Issue {
  code?: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  values?: unknown[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
}

/**
 * One schema issue in words, with the value the file holds there (zod/mini's own messages are only
 * "Invalid input"): "expected a number, got the string "fast"", "expected one of "auto", "fp8", got ...".
 */
function issueText(issue: Issue, raw: unknown): string {
  let v: unknown = raw;
  for (const k of issue.path)
    v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  switch (issue.code) {
    case "invalid_type":
      return `expected ${article(issue.expected ?? "value")}, got ${kindOf(v)}`;
    case "invalid_value":
      return `expected ${issue.values && issue.values.length > 1 ? "one of " : ""}${(issue.values ?? []).map(shownValue).join(", ")}, got ${kindOf(v)}`;
    case "too_small":
      return `must be ${issue.inclusive === false ? "above" : "at least"} ${String(issue.minimum)}, got ${kindOf(v)}`;
    case "too_big":
      return `must be ${issue.inclusive === false ? "below" : "at most"} ${String(issue.maximum)}, got ${kindOf(v)}`;
    default:
      return issue.message;
  }
}

/**
 * The first problem of a parsed plan file as "field.path: what is wrong", or null when it is a plan.
 * The value at fault is shown quoted and escaped (shownValue), never as it is.
 */
export function planProblem(raw: unknown): string | null {
  const r = planSchema.safeParse(raw);
  if (r.success) return null;
  const issue = r.error.issues[0]! as Issue;
  const field = fieldPath(issue.path);
  return `${field || "plan"}: ${issueText(issue, raw)}`;
}
