/**
 * The plan spec: one zod schema for what `llmdeploy plan` needs, whether it comes from flags, a YAML
 * file (`--config spec.yaml`) or prompts. `llmdeploy schema` prints it as JSON Schema.
 */
import * as z from "zod/mini";
import { en } from "zod/locales";
import { DEFAULTS } from "../defaults.js";
import {
  checkEagerMode,
  checkKvCacheDtypes,
  DEFAULT_ENGINE,
  ENGINE_NAMES,
  engineForFormat,
  engineModule,
  engineVersionFor,
} from "../engines/index.js";
import { findProvider } from "../catalog/instances.js";
import type { LongContext } from "../catalog/types.js";
import { UserError } from "../errors.js";
import { defaultMaxModelLen } from "../sizing/context.js";
import { userLoad } from "../sizing/users.js";
import { isGgufPrecision } from "../sizing/weights.js";
import type { PlanSpec } from "./plan.js";

// zod/mini (a fraction of classic zod's start-up cost) with the English messages.
z.config(en());

const d = (text: string) => z.describe(text);
const positiveInt = z.int().check(z.positive());
const positive = z.number().check(z.positive());
/** A latency target in ms, or null / "none" for no target. */
const target = (text: string) => z.optional(z.union([positive, z.null(), z.literal("none")]).check(d(text)));
const oneOrMany = <T extends z.ZodMiniType>(t: T) => z.union([t, z.array(t).check(z.minLength(1))]);
const opt = <T extends z.ZodMiniType>(t: T, text: string) => z.optional(t.check(d(text)) as T);

export const ENGINES = ENGINE_NAMES;
export const PACKAGINGS = ["compose", "kubernetes"] as const;
export const SECURITY_LEVELS = ["basic", "enhanced", "enterprise"] as const;

export const specSchema = z.strictObject({
  model: opt(
    z.string().check(z.minLength(1)),
    "catalog id, size alias (70b), Hugging Face id, or a local path",
  ),
  modelRef: opt(
    z.string().check(z.minLength(1)),
    "your own checkpoint of the model (Hugging Face id org/name, a local folder, or a .gguf file), loaded instead of the one llmdeploy resolves; its real bytes are sized",
  ),
  precision: opt(
    oneOrMany(z.string()),
    "allowed weight precisions (auto = the checkpoint's own); the cheapest that meets the targets wins",
  ),
  kvCacheDtype: opt(oneOrMany(z.enum(["auto", "fp8"])), "allowed KV cache dtypes"),
  maxModelLen: opt(
    positiveInt,
    "context length every sequence must fit (--max-model-len); default: the larger of 8192 and input + output tokens, within the model's context",
  ),
  inputTokens: opt(positiveInt, "typical prompt length in tokens"),
  outputTokens: opt(positiveInt, "typical completion length in tokens"),
  concurrency: opt(positiveInt, "requests in flight at once (closed loop)"),
  requestRate: opt(positive, "requests per second (open loop, Poisson arrivals)"),
  users: opt(
    positiveInt,
    "users sending requests (with thinkTimeSeconds or requestsPerUserPerMinute): converted to a request rate",
  ),
  thinkTimeSeconds: opt(positive, "seconds each user waits between an answer and the next request"),
  requestsPerUserPerMinute: opt(positive, "requests each user sends per minute"),
  targets: z.optional(
    z.strictObject({
      ttftMs: target("time to first token, ms (p95 under a request rate)"),
      tpotMs: target("time per output token, ms"),
      e2eMs: target("end-to-end request latency, ms (p95 under a request rate)"),
    }),
  ),
  gpus: opt(oneOrMany(z.string()), "allowed GPU types (llmdeploy gpus); default: all"),
  maxGpus: opt(positiveInt, "most GPUs in total, all replicas together"),
  budgetPerHour: opt(positive, "most US dollars per hour for the whole deployment"),
  pricing: opt(
    z.enum(["cloud", "spot", "onprem"]),
    "cloud: on-demand list prices (the major clouds', or the provider's); spot: spot and marketplace offers; onprem: gpuPrices / gpuPurchaseUsd you give",
  ),
  provider: opt(
    z.string().check(z.minLength(1)),
    "size and price in this provider's instances (aws, gcp, azure, oci, lambda, nebius, runpod, runpod-community)",
  ),
  allowConsumerGpus: opt(
    z.boolean(),
    "also consider workstation and GeForce GPUs without naming them (GeForce's driver licence excludes datacenter use)",
  ),
  targetConfidence: opt(
    z.enum(["median", "band"]),
    "band (default): a target counts as met at the pessimistic end of the prediction's error band; median: at the prediction",
  ),
  gpuPrices: opt(
    z.record(z.string(), z.number().check(z.nonnegative())),
    "US dollars per GPU-hour by GPU id, overriding the catalog (e.g. amortised on-prem cost)",
  ),
  gpuPurchaseUsd: opt(
    z.record(z.string(), z.number().check(z.positive())),
    "purchase price per GPU by GPU id (on-prem): amortised over amortizationMonths into an hourly cost",
  ),
  amortizationMonths: opt(positiveInt, "months over which on-prem GPUs are written off (default 36)"),
  engine: opt(z.enum(ENGINES), "inference engine"),
  packaging: opt(z.enum(PACKAGINGS), "docker compose or Kubernetes manifests"),
  security: opt(
    z.enum(SECURITY_LEVELS),
    "basic: API keys; enhanced: + TLS, rate limit; enterprise: + NetworkPolicy, audit log",
  ),
  serviceName: opt(
    z
      .string()
      .check(
        z.regex(/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/, "lowercase letters, digits and '-' (a DNS label)"),
      ),
    "name of the service (containers, Kubernetes objects, served model name)",
  ),
  port: opt(z.int().check(z.minimum(1), z.maximum(65535)), "port the engine listens on"),
  gpuMemoryUtilization: opt(
    z.number().check(z.gt(0), z.lte(1)),
    "the engine's share of GPU memory (vLLM gpu_memory_utilization, SGLang mem_fraction_static, TensorRT-LLM free_gpu_memory_fraction); default: the engine's own",
  ),
  engineVersion: opt(
    z.union([z.string(), z.number()]),
    'engine release to size for and render, "X.Y" or "X.Y.Z" (quoted in YAML); default: the pinned image\'s',
  ),
  enforceEager: opt(z.boolean(), "no CUDA graphs (vLLM --enforce-eager): no graph memory, slower decoding"),
});

export type SpecInput = z.infer<typeof specSchema>;

/**
 * The documented defaults (README "Spec"), applied by --defaults and by the prompts' suggestions.
 * The engine's port and memory share come from its module.
 */
export const SPEC_DEFAULTS = { ...DEFAULTS, engine: DEFAULT_ENGINE } as const;

/** What a non-interactive run must be told (or given --defaults for), with the flag that tells it. */
export const REQUIRED_ANSWERS: { key: keyof SpecInput; flag: string }[] = [
  { key: "model", flag: "--model" },
  { key: "inputTokens", flag: "--input-tokens" },
  { key: "outputTokens", flag: "--output-tokens" },
];

const asList = <T>(v: T | T[] | undefined): T[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? v : [v];
const tgt = (v: number | null | "none" | undefined, dflt: number | null): number | null =>
  v === undefined ? dflt : v === null || v === "none" ? null : v;

export function serviceNameFor(modelId: string): string {
  const s = modelId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 42)
    .replace(/-+$/, "");
  return s || "llm";
}

/** What normalizing a spec needs to know of the model. */
export interface SpecModel {
  id: string;
  /** The model's context length (caps the default max model len). */
  context: number;
  /** The checkpoint that was read is a GGUF file (served by llama.cpp as it is quantized). */
  ggufFile?: boolean;
  /** The model's published way past its context (named when a request does not fit). */
  longContext?: LongContext | undefined;
}

/** The load: concurrency, a request rate, or users converted to a rate (one of them). */
function loadOf(input: SpecInput): Pick<PlanSpec, "concurrency" | "requestRate" | "load"> {
  const userFields = input.thinkTimeSeconds !== undefined || input.requestsPerUserPerMinute !== undefined;
  if (input.users === undefined) {
    if (userFields)
      throw new UserError(
        "--think-time and --requests-per-user-per-minute describe --users: give the number of users too",
        "e.g. --users 200 --think-time 30",
        1,
        "users",
      );
    return {
      concurrency: input.requestRate !== undefined ? null : (input.concurrency ?? SPEC_DEFAULTS.concurrency),
      requestRate: input.requestRate ?? null,
      load: null,
    };
  }
  if (input.concurrency !== undefined || input.requestRate !== undefined)
    throw new UserError(
      "give the load one way: --users, --concurrency or --request-rate",
      "--users N with --think-time S converts to a request rate",
      1,
      "users",
    );
  const load = userLoad(input.users, input.thinkTimeSeconds, input.requestsPerUserPerMinute);
  return { concurrency: null, requestRate: load.requestRate, load };
}

/**
 * Fill every default. The engine, when not named, follows the files: llama.cpp for a GGUF file or
 * GGUF precisions, else vLLM; the engine's module gives the port and memory share.
 */
export function normalizeSpec(input: SpecInput, model: SpecModel): PlanSpec {
  if (!input.model) throw new Error("normalizeSpec needs a model");
  const asked = asList(input.precision)?.map((p) => p.toLowerCase());
  const ggufAsked = model.ggufFile || (asked !== undefined && asked.every(isGgufPrecision));
  const engine = input.engine ?? (ggufAsked ? engineForFormat("gguf").name : DEFAULT_ENGINE);
  const module = engineModule(engine);
  const gguf = module.checkpointFormat === "gguf";
  const { concurrency, requestRate, load } = loadOf(input);
  const inputTokens = input.inputTokens ?? SPEC_DEFAULTS.inputTokens;
  const outputTokens = input.outputTokens ?? SPEC_DEFAULTS.outputTokens;
  const provider = input.provider === undefined ? null : findProvider(input.provider).id;
  const pricing = input.pricing ?? (input.gpuPurchaseUsd ? "onprem" : SPEC_DEFAULTS.pricing);
  if (provider && pricing === "onprem") {
    // A provider's instances are rented; on-prem GPUs are bought: one plan cannot be priced as both.
    throw new UserError(
      `--provider ${provider} rents instances, and ${input.pricing === "onprem" ? "--pricing onprem" : "--gpu-purchase"} prices GPUs you own: a plan is priced one way`,
      input.pricing === "onprem"
        ? "drop --provider for on-prem GPUs, or drop --pricing onprem to price the provider's instances"
        : "drop --provider for on-prem GPUs, or drop --gpu-purchase to price the provider's instances",
      1,
      "provider",
    );
  }
  if (typeof input.engineVersion === "number") {
    throw new UserError(
      `engineVersion ${input.engineVersion} is a number in the spec (YAML reads 0.10 as 0.1)`,
      'quote it: engineVersion: "0.10"',
      1,
      "engineVersion",
    );
  }
  const version = engineVersionFor(module, input.engineVersion);
  checkEagerMode(module, input.enforceEager);
  checkKvCacheDtypes(module, asList(input.kvCacheDtype) ?? []);
  return {
    model: input.model,
    ...(input.modelRef ? { modelRef: input.modelRef } : {}),
    precisions: asked ?? [gguf && !model.ggufFile ? "q4_k_m" : "auto"],
    kvCacheDtypes: asList(input.kvCacheDtype) ?? ["auto"],
    maxModelLen: input.maxModelLen ?? defaultMaxModelLen(model.context, inputTokens, outputTokens),
    inputTokens,
    outputTokens,
    concurrency,
    requestRate,
    targets: {
      ttftMs: tgt(input.targets?.ttftMs, SPEC_DEFAULTS.ttftMs),
      tpotMs: tgt(input.targets?.tpotMs, SPEC_DEFAULTS.tpotMs),
      e2eMs: tgt(input.targets?.e2eMs, null),
    },
    gpus: asList(input.gpus) ?? [],
    maxGpus: input.maxGpus ?? SPEC_DEFAULTS.maxGpus,
    budgetPerHourUsd: input.budgetPerHour ?? null,
    pricing,
    gpuPurchaseUsd: input.gpuPurchaseUsd ?? {},
    amortizationMonths: input.amortizationMonths ?? SPEC_DEFAULTS.amortizationMonths,
    engine: module.name as PlanSpec["engine"],
    packaging: input.packaging ?? SPEC_DEFAULTS.packaging,
    security: input.security ?? SPEC_DEFAULTS.security,
    serviceName: input.serviceName ?? serviceNameFor(model.id),
    port: input.port ?? module.defaultPort,
    gpuMemoryUtilization: input.gpuMemoryUtilization ?? module.defaultShare(version),
    engineVersion: version,
    enforceEager: input.enforceEager ?? false,
    provider,
    allowConsumerGpus: input.allowConsumerGpus ?? false,
    targetConfidence: input.targetConfidence ?? SPEC_DEFAULTS.targetConfidence,
    load,
  };
}

/** JSON Schema of the spec file, for editors and CI validation. */
export function specJsonSchema(): unknown {
  return {
    ...(z.toJSONSchema(specSchema) as Record<string, unknown>),
    title: "llmdeploy plan spec",
    description: "Input of `llmdeploy plan --config spec.yaml`; every field may also be given as a flag.",
  };
}
