/**
 * `llmdeploy render plan.yaml --out DIR`: read and check a plan, render it (src/render, pure), then
 * write the files with the one output writer (writer.ts: all or nothing, a manifest of what it wrote,
 * stale files removed, never through a symbolic link); --dry-run lists what would change; --check
 * prints the diff and exits 1 when anything would (for CI). Secrets are never rendered;
 * --generate-api-key adds secrets/api-keys.map (mode 0600) when absent. Before writing, the files are
 * checked against the plan (cli/deployment-check.ts): an inconsistent deployment is refused.
 * Templates ship in the package's templates/ folder, found from this file's location.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../errors.js";
import type { Plan } from "../contract/plan.js";
import { readPlanFile } from "./plan-file.js";
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

// The one plan reader (schema-checked), exported here too for the callers that import it from render.
export { checkPlan, readPlanFile } from "./plan-file.js";

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
