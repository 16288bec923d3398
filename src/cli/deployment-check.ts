/**
 * The deployment round trip from the command line: `verify --deployment DIR` reads a folder's files,
 * and `render` / `plan --out` check the files they are about to write, refusing an inconsistent
 * deployment. The check itself is pure (src/verify/deployment.ts); here the folder is read and the
 * model references no catalog names are read from disk or the Hub cache (offline, never the network).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { Plan } from "../contract/plan.js";
import { UserError } from "../errors.js";
import { resolveModel } from "../models/resolve.js";
import { checkDeployment, type DeploymentCheck, type ReadModel, refsToRead } from "../verify/deployment.js";
import type { DeploymentFile } from "../verify/launches.js";
import { info, out, printJson } from "./output.js";
import { readPlanFile } from "./render.js";

/** Reads the refs offline: a local folder or file, or a Hub id from llmdeploy's cache; null when neither. */
async function readRefs(refs: string[]): Promise<Map<string, ReadModel | null>> {
  const read = new Map<string, ReadModel | null>();
  for (const ref of refs) {
    try {
      const m = await resolveModel(ref, { offline: true });
      read.set(ref, { arch: m.arch, checkpoint: m.checkpoint });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      read.set(ref, null);
    }
  }
  return read;
}

/** The check of files against their plan, with the refs read first. */
export async function checkFiles(plan: Plan, files: readonly DeploymentFile[]): Promise<DeploymentCheck> {
  return checkDeployment(plan, files, await readRefs(refsToRead(plan, files)));
}

/**
 * What render and plan --out run before writing: notes go to stderr; a mismatch is a UserError (one
 * line: the first mismatch, and how many more), so nothing is written.
 */
export async function assertConsistent(plan: Plan, files: readonly DeploymentFile[]): Promise<void> {
  const c = await checkFiles(plan, files);
  for (const n of c.notes) info(`note: ${n}`);
  if (c.ok) return;
  const more = c.mismatches.length - 1;
  throw new UserError(
    `${c.mismatches[0]!}${more ? ` (and ${more} more)` : ""}`,
    "the files would not run what the plan sized; nothing was written (plan again, or report this)",
  );
}

function listFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== "secrets") walk(p);
      } else found.push(relative(dir, p).split("\\").join("/"));
    }
  };
  walk(dir);
  return found.sort();
}

/** `verify --deployment DIR`: exit 0 when consistent, 1 with one line per mismatch. */
export async function runVerifyDeployment(dir: string, json: boolean): Promise<number> {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UserError(
      `${dir} is not a folder`,
      "pass the folder llmdeploy plan --out or render --out wrote",
    );
  const plan = await readPlanFile(join(dir, "plan.yaml"));
  const files = listFiles(dir)
    .filter((p) => p !== "plan.yaml")
    .map((path) => ({ path, content: readFileSync(join(dir, path), "utf8") }));
  const c = await checkFiles(plan, files);
  if (json) {
    printJson(c);
    return c.ok ? 0 : 1;
  }
  for (const n of c.notes) info(`note: ${n}`);
  if (!c.ok) {
    for (const m of c.mismatches) process.stderr.write(`error: ${m}\n`);
    return 1;
  }
  for (const s of c.sites)
    out(
      `${s.where}: ${s.modelRef}${s.file ? `/${s.file}` : ""}` +
        (s.loads !== null
          ? ` (${s.loads}, ${((s.weightsPerGpuBytes ?? 0) / 1024 ** 3).toFixed(1)} GiB per GPU, ${s.kvCacheTokens} KV tokens) is what the plan sized`
          : " is what the plan recorded"),
    );
  return 0;
}
