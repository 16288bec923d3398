/**
 * `llmdeploy render plan.yaml --out DIR`: read a plan, render it, write the files (see write-files.ts).
 * Templates ship in the package's templates/ folder, found from this file's location.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type * as YamlModule from "yaml";
import { UserError } from "../errors.js";
import type { Plan } from "../plan/types.js";
import { render, type RenderedFile, type Templates } from "../render/index.js";
import { generateApiKey, writeOutput } from "./write-files.js";

/** templates/ beside dist/ (the installed package) or beside src/ (the repository). */
export function templatesDir(): string {
  for (const rel of ["../templates/", "../../templates/"]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, "nginx.conf.tmpl"))) return dir;
  }
  throw new Error("templates/ not found beside the llmdeploy package");
}

export function loadTemplates(dir = templatesDir()): Templates {
  const out: Templates = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".tmpl")) out[relative(dir, p).split("\\").join("/")] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

type YamlLib = typeof YamlModule;
async function yamlLib(): Promise<YamlLib> {
  const m = (await import("yaml")) as YamlLib & { default?: YamlLib };
  return m.default ?? m;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/;
const IMAGE = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/;
const ENGINES = ["vllm", "sglang", "trtllm", "llamacpp", "ollama", "tgi"];

/** Enough checks that a hand-edited or foreign plan.yaml fails with a clear line, not a stack trace. */
export function checkPlan(raw: unknown, where: string): Plan {
  const fail = (what: string): never => {
    throw new UserError(`${where}: ${what}`, "regenerate it with llmdeploy plan --out DIR");
  };
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) fail("not a plan (expected a mapping)");
  const p = raw as Record<string, unknown>;
  if (p.kind !== "Plan" || p.apiVersion !== "llmdeploy/v1")
    fail("not an llmdeploy/v1 Plan (kind and apiVersion)");
  const spec = p.spec as Record<string, unknown> | undefined;
  const rec = p.recommendation as Record<string, unknown> | undefined;
  if (!spec || typeof spec !== "object") fail("spec is missing");
  if (!rec || typeof rec !== "object") fail("recommendation is missing");
  const engine = rec!.engine as Record<string, unknown> | undefined;
  if (!engine || typeof engine !== "object") fail("recommendation.engine is missing");
  if (!ENGINES.includes(String(engine!.name)))
    fail(`recommendation.engine.name must be one of ${ENGINES.join(", ")}`);
  if (typeof engine!.image !== "string" || !IMAGE.test(engine!.image) || engine!.image.endsWith(":latest")) {
    fail("recommendation.engine.image must be a pinned image reference (no spaces, not :latest)");
  }
  if (typeof engine!.modelRef !== "string" || !engine!.modelRef)
    fail("recommendation.engine.modelRef is missing");
  if (typeof spec!.serviceName !== "string" || !DNS_LABEL.test(spec!.serviceName)) {
    fail("spec.serviceName must be a DNS label (lowercase letters, digits, '-')");
  }
  for (const k of ["gpuCount", "gpusPerNode", "nodes", "tensorParallel", "pipelineParallel", "replicas"]) {
    if (!Number.isInteger(rec![k]) || (rec![k] as number) < 1)
      fail(`recommendation.${k} must be a positive integer`);
  }
  for (const k of ["maxModelLen", "maxNumSeqs", "maxNumBatchedTokens", "blockSize"]) {
    if (!Number.isInteger(engine![k]) || (engine![k] as number) < 1)
      fail(`recommendation.engine.${k} must be a positive integer`);
  }
  const util = engine!.gpuMemoryUtilization;
  if (typeof util !== "number" || !(util > 0 && util <= 1))
    fail("recommendation.engine.gpuMemoryUtilization must be in (0, 1]");
  if (!Number.isInteger(spec!.port) || (spec!.port as number) < 1 || (spec!.port as number) > 65535) {
    fail("spec.port must be a port number");
  }
  if (!["compose", "kubernetes"].includes(String(spec!.packaging)))
    fail("spec.packaging must be compose or kubernetes");
  if (!["basic", "enhanced", "enterprise"].includes(String(spec!.security))) {
    fail("spec.security must be basic, enhanced or enterprise");
  }
  return raw as Plan;
}

export async function readPlanFile(path: string): Promise<Plan> {
  if (!existsSync(path)) {
    throw new UserError(
      `plan file ${path} does not exist`,
      "make one with llmdeploy plan --out DIR (it writes DIR/plan.yaml)",
    );
  }
  if (statSync(path).isDirectory()) {
    const inside = join(path, "plan.yaml");
    if (existsSync(inside)) return readPlanFile(inside);
    throw new UserError(`${path} is a folder without plan.yaml`, "pass the plan.yaml file");
  }
  let raw: unknown;
  try {
    raw = (await yamlLib()).parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UserError(
      `${path} is not valid YAML: ${String((e as Error).message).split("\n")[0]}`,
      "check the file, or regenerate it with llmdeploy plan --out DIR",
    );
  }
  return checkPlan(raw, path);
}

export function renderFiles(plan: Plan): RenderedFile[] {
  return render(plan, loadTemplates());
}

export interface RenderFlags {
  out?: string;
  force?: boolean;
  dryRun?: boolean;
  check?: boolean;
  generateApiKey?: boolean;
}

export async function runRender(planPath: string, flags: RenderFlags): Promise<void> {
  if (!flags.out)
    throw new UserError("--out DIR is required", "e.g. llmdeploy render plan.yaml --out deploy/");
  const plan = await readPlanFile(planPath);
  const files = renderFiles(plan);
  const code = writeOutput(files, flags.out, flags);
  if (flags.generateApiKey && !flags.check && !flags.dryRun) generateApiKey(flags.out);
  if (code) process.exitCode = code;
}
