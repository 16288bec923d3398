/**
 * The one reader of plan.yaml: `render`, `verify --deployment`, `verify --log --plan`, `bench --plan`
 * and `calibrate --plan` all read a plan through readPlanFile, which checks the WHOLE document against
 * the plan's schema (src/contract/plan-schema.ts) before any field is read. A hand-edited, truncated or
 * foreign file is refused in one line naming the first bad field, with a hint; never a stack trace,
 * NaN or `undefined` further on.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Plan } from "../contract/plan.js";
import { planProblem, shownValue } from "../contract/plan-schema.js";
import { UserError } from "../errors.js";
import { MAX_PLAN_BYTES, readTextFile } from "./read-file.js";
import { parseYamlFile } from "./yaml-io.js";

/** What to do about a bad plan file, unless the caller names a better way out. */
export const REGENERATE = "regenerate it with llmdeploy plan --out DIR";

/**
 * Checks a parsed plan file against the plan schema; throws a one-line UserError naming the first
 * bad field ("plan.yaml: recommendation.performance.tpotMs: Invalid input: expected number, received
 * string"), with `hint` (default: regenerate it).
 */
export function checkPlan(raw: unknown, where: string, hint: string = REGENERATE): Plan {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UserError(`${where}: not a plan (expected a mapping)`, hint);
  }
  const p = raw as Record<string, unknown>;
  if (p.kind !== "Plan" || p.apiVersion !== "llmdeploy/v1") {
    // A plain word as it is ("ConfigMap"), anything else quoted and escaped, an absent one: missing.
    const said = (v: unknown) =>
      v === undefined ? "missing" : typeof v === "string" && /^[\w./-]{1,60}$/.test(v) ? v : shownValue(v);
    throw new UserError(
      `${where}: not an llmdeploy/v1 Plan (kind: ${said(p.kind)}, apiVersion: ${said(p.apiVersion)})`,
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

/**
 * Reads plan.yaml (or JSON, or a folder holding plan.yaml) and checks it (checkPlan). Errors: the file
 * or folder does not exist, is not YAML, or is not a valid plan: a UserError with `hint`.
 */
export async function readPlanFile(path: string, hint: string = REGENERATE): Promise<Plan> {
  if (!existsSync(path)) {
    throw new UserError(
      `plan file ${path} does not exist`,
      "make one with llmdeploy plan --out DIR (it writes DIR/plan.yaml)",
    );
  }
  if (statSync(path).isDirectory()) {
    const inside = join(path, "plan.yaml");
    if (existsSync(inside)) return readPlanFile(inside, hint);
    throw new UserError(`${path} is a folder without plan.yaml`, "pass the plan.yaml file");
  }
  // Devices, FIFOs and oversized files are refused before reading; YAML errors name line and column
  // without quoting the file (read-file.ts, yaml-io.ts).
  const raw = await parseYamlFile(
    readTextFile(path, "plan file", `check the file, or ${hint}`, MAX_PLAN_BYTES),
    path,
    `check the file, or ${hint}`,
  );
  return checkPlan(raw, path, hint);
}
