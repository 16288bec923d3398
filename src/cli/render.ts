/**
 * `llmdeploy render plan.yaml --out DIR`: read and check a plan, render it (src/render, pure), then
 * write the files with the one output writer (writer.ts: all or nothing, a manifest of what it wrote,
 * stale files removed, never through a symbolic link); --dry-run lists what would change; --check
 * prints the diff and exits 1 when anything would (for CI). Secrets are never rendered;
 * --generate-api-key adds secrets/api-keys.map (mode 0600) when absent. Before writing, the files are
 * checked against the plan (cli/deployment-check.ts): an inconsistent deployment is refused.
 * Templates ship in the package's templates/ folder, found from this file's location.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../errors.js";
import { MAX_PLAN_BYTES, readTextFile } from "./read-file.js";
import { shown } from "./safe-text.js";
import { parseYamlFile } from "./yaml-io.js";
import type { Plan } from "../contract/plan.js";
import { planProblem } from "../contract/plan-schema.js";
import { render, type RenderedFile, TEMPLATE_FILES, type Templates } from "../render/index.js";
import { writeOutput } from "./writer.js";
import { reportCheck, reportWrite, shellWord } from "./writer-report.js";

// ---------------------------------------------------------------- templates

/** templates/ beside dist/ (the installed package) or beside src/ (the repository). */
export function templatesDir(): string {
  for (const rel of ["../templates/", "../../templates/"]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (TEMPLATE_FILES.every((f) => existsSync(join(dir, f)))) return dir;
  }
  throw new Error("templates/ not found beside the llmdeploy package (reinstall it)");
}

export function loadTemplates(dir = templatesDir()): Templates {
  return Object.fromEntries(TEMPLATE_FILES.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

export function renderFiles(plan: Plan): RenderedFile[] {
  return render(plan, loadTemplates());
}

// ---------------------------------------------------------------- reading a plan

/** Checks a parsed plan file; throws a one-line UserError naming the first bad field. */
export function checkPlan(raw: unknown, where: string): Plan {
  const hint = "regenerate it with llmdeploy plan --out DIR";
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UserError(`${where}: not a plan (expected a mapping)`, hint);
  }
  const p = raw as Record<string, unknown>;
  if (p.kind !== "Plan" || p.apiVersion !== "llmdeploy/v1") {
    throw new UserError(
      `${where}: not an llmdeploy/v1 Plan (kind: ${shown(p.kind, 30)}, apiVersion: ${shown(p.apiVersion, 30)})`,
      hint,
    );
  }
  if (p.recommendation === undefined || p.recommendation === null) {
    throw new UserError(`${where}: recommendation is missing`, hint);
  }
  const problem = planProblem(raw);
  if (problem) throw new UserError(`${where}: ${problem}`, hint);
  return raw as Plan;
}

/** Reads plan.yaml (or JSON, or a folder holding plan.yaml) and checks it. */
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
  const hint = "check the file, or regenerate it with llmdeploy plan --out DIR";
  const raw = await parseYamlFile(readTextFile(path, "plan file", hint, MAX_PLAN_BYTES), path, hint);
  return checkPlan(raw, path);
}

// ---------------------------------------------------------------- the command

export interface RenderFlags {
  out?: string;
  force?: boolean;
  dryRun?: boolean;
  check?: boolean;
  generateApiKey?: boolean;
}

export async function runRender(planPath: string, flags: RenderFlags): Promise<void> {
  if (!flags.out) {
    throw new UserError("--out DIR is required", "e.g. llmdeploy render plan.yaml --out deploy/");
  }
  const out = flags.out;
  const plan = await readPlanFile(planPath);
  const files = renderFiles(plan);
  // The round trip before anything is written: the files must start what the plan sized.
  const { assertConsistent } = await import("./deployment-check.js");
  await assertConsistent(plan, files);
  const opts = {
    force: Boolean(flags.force),
    dryRun: Boolean(flags.dryRun),
    check: Boolean(flags.check),
    generateApiKey: Boolean(flags.generateApiKey),
    // plan --out wrote plan.yaml into the same folder: render neither rewrites nor removes it.
    keep: ["plan.yaml"],
  };
  const r = writeOutput(files, out, opts);
  if (opts.check) {
    const fix = (force: boolean) =>
      `llmdeploy render ${shellWord(planPath)} --out ${shellWord(out)}${force ? " --force" : ""}`;
    await reportCheck(r, fix);
    return;
  }
  reportWrite(r, opts);
}
