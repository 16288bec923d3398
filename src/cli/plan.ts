/**
 * `llmdeploy plan`: collect the spec (flags, then --config, then prompts for what is still missing),
 * resolve the model, run the planner, print the plan (table, --json or --yaml) and write it with --out.
 * Exit codes: 0 a plan meets every target, 2 none does (the closest is shown), 1 bad input.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import pkg from "../../package.json" with { type: "json" };
import { devices, findGpu, gpus as gpuCatalog, models as modelCatalog } from "../catalog/index.js";
import { UserError } from "../errors.js";
import { checkModelArg } from "./model-arg.js";
import { resolveModel } from "../models/resolve.js";
import {
  normalizeSpec,
  REQUIRED_ANSWERS,
  SPEC_DEFAULTS,
  type SpecInput,
  specSchema,
} from "../contract/spec.js";
import type { Plan } from "../contract/plan.js";
import { planDeployment } from "../planner/index.js";
import { MAX_REPLAY_REQUESTS } from "../sizing/replay.js";
import { replayDeployment } from "../sizing/replay-deployment.js";
import { describeUse } from "../calibrate/apply.js";
import { loadCalibration } from "./calibration-file.js";
import { flagFor, fractionFlag, intFlag, listFlag, numFlag, pairsFlag, targetFlag } from "./flags.js";
import { info, printJson } from "./output.js";
import {
  askCheckbox,
  askConfirm,
  askNumber,
  askSearch,
  askSelect,
  canPrompt,
  noTtyError,
} from "./prompts.js";
import { printPlan } from "./plan-print.js";
import { shown } from "./safe-text.js";
import { parseYamlFile, yamlText } from "./yaml-io.js";

export interface PlanFlags {
  config?: string;
  model?: string;
  modelRef?: string;
  precision?: string[];
  kvCacheDtype?: string[];
  maxModelLen?: string;
  inputTokens?: string;
  outputTokens?: string;
  concurrency?: string;
  requestRate?: string;
  users?: string;
  thinkTime?: string;
  requestsPerUserPerMinute?: string;
  ttftMs?: string;
  tpotMs?: string;
  e2eMs?: string;
  gpu?: string[];
  maxGpus?: string;
  budgetPerHour?: string;
  pricing?: string;
  provider?: string;
  allowConsumerGpus?: boolean;
  targetConfidence?: string;
  gpuPrice?: string[];
  gpuPurchase?: string[];
  amortizationMonths?: string;
  engine?: string;
  packaging?: string;
  security?: string;
  serviceName?: string;
  port?: string;
  gpuMemoryUtilization?: string;
  engineVersion?: string;
  enforceEager?: boolean;
  /** Replay a finite run of this many requests on the recommendation (not part of the spec). */
  numRequests?: string;
  /** A calibration profile (or none); not part of the spec: LLMDEPLOY_CALIBRATION, then the default location. */
  calibration?: string;
  defaults?: boolean;
  json?: boolean;
  yaml?: boolean;
  out?: string;
  force?: boolean;
  dryRun?: boolean;
  /** --report FILE.html: also write the plan as a self-contained HTML page. */
  report?: string;
}

/** Flags as a spec object (only what was given). */
export function specFromFlags(f: PlanFlags): SpecInput {
  const s: Record<string, unknown> = {
    model: f.model,
    modelRef: f.modelRef,
    precision: listFlag(f.precision),
    kvCacheDtype: listFlag(f.kvCacheDtype),
    maxModelLen: intFlag("--max-model-len", f.maxModelLen),
    inputTokens: intFlag("--input-tokens", f.inputTokens),
    outputTokens: intFlag("--output-tokens", f.outputTokens),
    concurrency: intFlag("--concurrency", f.concurrency, { max: 1_000_000 }),
    requestRate: numFlag("--request-rate", f.requestRate, { max: 1_000_000 }),
    users: intFlag("--users", f.users, { max: 100_000_000 }),
    thinkTimeSeconds: numFlag("--think-time", f.thinkTime, { max: 86_400 }),
    requestsPerUserPerMinute: numFlag("--requests-per-user-per-minute", f.requestsPerUserPerMinute, {
      max: 1_000_000,
    }),
    gpus: listFlag(f.gpu),
    maxGpus: intFlag("--max-gpus", f.maxGpus, { max: 4096 }),
    budgetPerHour: numFlag("--budget-per-hour", f.budgetPerHour),
    pricing: f.pricing,
    provider: f.provider,
    allowConsumerGpus: f.allowConsumerGpus === true ? true : undefined,
    targetConfidence: f.targetConfidence,
    engine: f.engine,
    packaging: f.packaging,
    security: f.security,
    serviceName: f.serviceName,
    port: intFlag("--port", f.port, { max: 65535 }),
    amortizationMonths: intFlag("--amortization-months", f.amortizationMonths, { max: 600 }),
    gpuMemoryUtilization: fractionFlag("--gpu-memory-utilization", f.gpuMemoryUtilization),
    engineVersion: f.engineVersion,
    enforceEager: f.enforceEager === true ? true : undefined,
    gpuPrices: pairsFlag("--gpu-price", f.gpuPrice, "h100-sxm=2.10"),
    gpuPurchaseUsd: pairsFlag("--gpu-purchase", f.gpuPurchase, "h100-sxm=25000"),
  };
  const t = {
    ttftMs: targetFlag("--ttft-ms", f.ttftMs),
    tpotMs: targetFlag("--tpot-ms", f.tpotMs),
    e2eMs: targetFlag("--e2e-ms", f.e2eMs),
  };
  if (Object.values(t).some((v) => v !== undefined)) s.targets = t;
  for (const k of Object.keys(s)) if (s[k] === undefined) delete s[k];
  return s as SpecInput;
}

interface SpecIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  errors?: SpecIssue[][];
}

/**
 * The issue to report: for a value that matches no branch of a union (zod's bare "Invalid input"), the
 * branch's issue that got furthest into the value (kvCacheDtype: [fp4] -> kvCacheDtype.0: Invalid
 * option: expected one of "auto"|"fp8").
 */
function specificIssue(i: SpecIssue): SpecIssue {
  if (i.code !== "invalid_union" || !i.errors?.length) return i;
  const firsts = i.errors.map((e) => e[0]).filter((e): e is SpecIssue => e !== undefined);
  const best = firsts.reduce<SpecIssue | undefined>(
    (a, e) => (!a || e.path.length > a.path.length ? e : a),
    undefined,
  );
  return best ? specificIssue({ ...best, path: [...i.path, ...best.path] }) : i;
}

function parseSpec(raw: unknown, where: string): SpecInput {
  const r = specSchema.safeParse(raw);
  if (r.success) return r.data;
  const i = specificIssue(r.error.issues[0] as SpecIssue);
  const msg =
    i.code === "unrecognized_keys"
      ? `unknown field ${(i.keys ?? []).map((k) => shown(k, 40)).join(", ")}`
      : i.message;
  if (where === "flags") {
    // Name the flag as it was typed: targets.tpotMs -> --tpot-ms, gpuPrices -> --gpu-price
    const flag = flagFor(i.path.filter((p) => typeof p === "string").join("."));
    throw new UserError(`${flag}: ${msg}`, `llmdeploy plan --help lists the accepted values`);
  }
  const field = i.path.length ? i.path.join(".") : "(top level)";
  throw new UserError(`${where}: ${field}: ${msg}`, "llmdeploy schema prints the spec's JSON Schema");
}

/** A spec file is a few hundred bytes; anything past 1 MiB is not one. */
const MAX_SPEC_BYTES = 1024 * 1024;

/** The text of --config: a UserError (not an errno) for a folder, a huge file, or one that cannot be read. */
function readSpecText(path: string): string {
  const hint = "pass the path of a YAML spec (see examples/specs/)";
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new UserError(`spec file ${path} is not a file`, hint);
    if (st.size > MAX_SPEC_BYTES)
      throw new UserError(
        `spec file ${path} is ${st.size} bytes: too large for a spec (1 MiB at most)`,
        hint,
      );
    return readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(
      `cannot read spec file ${path} (${(e as NodeJS.ErrnoException).code ?? "read error"})`,
      hint,
    );
  }
}

async function loadConfig(path: string): Promise<SpecInput> {
  if (!existsSync(path)) {
    throw new UserError(
      `spec file ${path} does not exist`,
      "pass the path of a YAML spec (see examples/specs/)",
    );
  }
  const text = readSpecText(path);
  const raw = await parseYamlFile(text, path, "check the indentation and quoting at that line");
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UserError(
      `${path} must hold a mapping of spec fields (${raw == null ? "it is empty" : `it holds ${typeof raw === "string" ? "a single string" : shown(raw)}`})`,
      "e.g. model: llama-3.1-8b (see examples/specs/)",
    );
  }
  return parseSpec(raw, path);
}

/** Ask, on a terminal, for what neither flags nor the spec file answered. */
async function promptMissing(s: SpecInput): Promise<SpecInput> {
  const r: SpecInput = { ...s };
  if (!r.model) {
    r.model = await askSearch(
      "Model (type to search the catalog, or an HF id / local path)",
      modelCatalog.map((m) => ({ name: `${m.name}  (${m.id})`, value: m.id, description: m.hfId })),
    );
  }
  if (!r.precision) {
    const p = await askSelect(
      "Weight precision",
      [
        { name: "the checkpoint's own", value: "auto" },
        { name: "any of bf16 / fp8 / int4 (cheapest that meets the targets)", value: "auto,fp8,int4" },
        { name: "fp8", value: "fp8" },
        { name: "int4 (AWQ)", value: "int4" },
        { name: "GGUF Q4_K_M (llama.cpp)", value: "q4_k_m" },
      ],
      "auto",
    );
    r.precision = p.split(",");
  }
  if (!r.maxModelLen)
    r.maxModelLen = (await askNumber("Context length (max model len, tokens)", 8192, { integer: true }))!;
  if (!r.inputTokens)
    r.inputTokens = (await askNumber("Typical prompt length (tokens)", SPEC_DEFAULTS.inputTokens, {
      integer: true,
    }))!;
  if (!r.outputTokens)
    r.outputTokens = (await askNumber("Typical completion length (tokens)", SPEC_DEFAULTS.outputTokens, {
      integer: true,
    }))!;
  if (!r.concurrency && !r.requestRate && !r.users) {
    r.concurrency = (await askNumber("Concurrent requests to serve", SPEC_DEFAULTS.concurrency, {
      integer: true,
    }))!;
  }
  if (!r.targets) {
    const ttft = await askNumber("Target time to first token, ms", SPEC_DEFAULTS.ttftMs, { allowNone: true });
    const tpot = await askNumber("Target time per output token, ms", SPEC_DEFAULTS.tpotMs, {
      allowNone: true,
    });
    r.targets = { ttftMs: ttft ?? "none", tpotMs: tpot ?? "none" };
  }
  if (!r.gpus) {
    const picked = await askCheckbox(
      "GPU types to consider (space to select; none selected = all)",
      gpuCatalog.map((g) => ({ name: g.name, value: g.id })),
    );
    if (picked.length) r.gpus = picked;
  }
  if (r.budgetPerHour === undefined) {
    const b = await askNumber("Budget, US$ per hour", null, { allowNone: true });
    if (b !== null) r.budgetPerHour = b;
  }
  if (!r.packaging) {
    r.packaging = await askSelect<"compose" | "kubernetes">("Packaging", [
      { name: "docker compose", value: "compose" },
      { name: "Kubernetes", value: "kubernetes" },
    ]);
  }
  if (!r.security) {
    r.security = await askSelect<"basic" | "enhanced" | "enterprise">("Security level", [
      { name: "basic: API keys", value: "basic" },
      { name: "enhanced: + TLS, rate limit, read-only root FS", value: "enhanced" },
      { name: "enterprise: + NetworkPolicy, mTLS-ready proxy, audit log", value: "enterprise" },
    ]);
  }
  return r;
}

/** What an engine is given to load a resolved model: its Hub id, or its folder or GGUF file. */
function modelRefOf(m: Awaited<ReturnType<typeof resolveModel>>): string {
  return m.hfId ?? (m.source?.url ? m.source.url.replace(/\/config\.json$/, "") : m.id);
}

export async function collectPlan(flags: PlanFlags): Promise<{ plan: Plan; interactive: boolean }> {
  const numRequests = intFlag("--num-requests", flags.numRequests, { max: MAX_REPLAY_REQUESTS });
  const fromFile = flags.config ? await loadConfig(flags.config) : {};
  const fromFlags = parseSpec(specFromFlags(flags), "flags");
  let spec: SpecInput = {
    ...fromFile,
    ...fromFlags,
    ...(fromFile.targets || fromFlags.targets
      ? { targets: { ...fromFile.targets, ...fromFlags.targets } }
      : {}),
  };
  const missing = REQUIRED_ANSWERS.filter((a) => spec[a.key] === undefined);
  if (spec.concurrency === undefined && spec.requestRate === undefined && spec.users === undefined) {
    missing.push({ key: "concurrency", flag: "--concurrency (or --request-rate, or --users)" });
  }
  let interactive = false;
  if (!flags.defaults) {
    if (canPrompt()) {
      interactive = true;
      spec = parseSpec(await promptMissing(spec), "answers");
    } else if (missing.length) {
      throw noTtyError(missing.map((m) => m.flag));
    }
  } else if (!spec.model) {
    throw new UserError("--defaults needs a model", "e.g. llmdeploy plan --model 70b --defaults");
  }
  if (spec.concurrency !== undefined && spec.requestRate !== undefined) {
    throw new UserError(
      "give --concurrency or --request-rate, not both",
      "closed loop (users) or open loop (rate)",
    );
  }
  checkModelArg(spec.model!, "--model");
  if (spec.modelRef) checkModelArg(spec.modelRef, "--model-ref");
  const model = await resolveModel(spec.model!);
  if (model.note) info(model.note);
  const own = spec.modelRef ? await resolveModel(spec.modelRef) : null;
  if (own?.note) info(`--model-ref ${own.note}`);
  const normalized = normalizeSpec(spec, {
    id: model.id,
    context: (own ?? model).arch.maxPositionEmbeddings,
    ggufFile: (own ?? model).checkpoint?.format === "gguf",
    longContext: model.entry?.longContext,
  });
  normalized.gpus = normalized.gpus.map((g) => findGpu(g).id);
  const prices: Record<string, number> = {};
  for (const [k, v] of Object.entries(spec.gpuPrices ?? {})) prices[findGpu(k).id] = v;
  const purchase: Record<string, number> = {};
  for (const [k, v] of Object.entries(normalized.gpuPurchaseUsd)) purchase[findGpu(k).id] = v;
  normalized.gpuPurchaseUsd = purchase;
  if (normalized.pricing === "onprem" && !Object.keys(prices).length && !Object.keys(purchase).length) {
    info(
      "note: on-prem pricing without --gpu-purchase or --gpu-price: costs are unknown and plans are ranked by latency",
    );
  }
  const calibration = await loadCalibration(flags.calibration);
  const plan = planDeployment({
    calibration,
    spec: normalized,
    model: {
      id: model.id,
      name: model.name,
      hfId: model.hfId,
      arch: model.arch,
      checkpoint: model.checkpoint,
      ref: modelRefOf(model),
      modelRef: own ? { ref: modelRefOf(own), arch: own.arch, checkpoint: own.checkpoint } : undefined,
      longContext: model.entry?.longContext,
    },
    catalog: devices,
    generatedBy: `llmdeploy ${pkg.version}`,
    gpuPrices: prices,
  });
  if (numRequests !== undefined) {
    // The finite run `bench --plan` will be compared with: the recommendation, replayed pass by pass.
    plan.recommendation.performance.replay = replayDeployment({
      model: { id: model.id, arch: model.arch, checkpoint: model.checkpoint },
      spec: normalized,
      deployment: plan.recommendation,
      catalog: devices,
      numRequests,
      calibration,
    });
  }
  return { plan, interactive };
}

async function writePlan(plan: Plan, dir: string, flags: PlanFlags): Promise<number> {
  const { writePlanFiles } = await import("./plan-write.js");
  await writePlanFiles(plan, dir, { force: Boolean(flags.force), dryRun: Boolean(flags.dryRun) });
  return 0;
}

/** Exit code: 0 a plan meets every target, 2 none does, or the writer's code. */
export async function runPlan(flags: PlanFlags): Promise<number> {
  if (flags.dryRun && !flags.out) {
    throw new UserError(
      "--dry-run lists what --out would write: pass --out DIR",
      "e.g. llmdeploy plan --model 8b --defaults --out deploy/ --dry-run",
    );
  }
  // A bad --report path fails before any work, and the report module loads only when asked for.
  const report = flags.report !== undefined ? await import("./report-file.js") : null;
  report?.checkReportPath(flags.report!);
  const { plan, interactive } = await collectPlan(flags);
  if (plan.calibration) info(describeUse(plan.calibration));
  // Notes are printed with a table, and are in --json / --yaml; what became of a profile is said on stderr too.
  if (flags.json || flags.yaml)
    for (const n of plan.notes) if (n.startsWith("calibration profile")) info(`note: ${n}`);
  if (flags.json) printJson(plan);
  else if (flags.yaml) {
    process.stdout.write(await yamlText(plan));
  } else printPlan(plan);
  let outDir = flags.out;
  if (!outDir && interactive && !flags.json && !flags.yaml) {
    if (await askConfirm(`Write plan.yaml and the deployment files to ./${plan.spec.serviceName}?`, true)) {
      outDir = plan.spec.serviceName;
    }
  }
  if (outDir) {
    const code = await writePlan(plan, outDir, flags);
    if (code) return code;
  }
  if (report) await report.writePlanReport(plan, flags.report!, { dryRun: Boolean(flags.dryRun) });
  return plan.feasible ? 0 : 2;
}
