/**
 * Finding and reading the calibration profile `estimate` and `plan` apply: --calibration FILE, else
 * $LLMDEPLOY_CALIBRATION, else the default location in the user's config directory
 * ($XDG_CONFIG_HOME/llmdeploy/calibration.json, or ~/.config/llmdeploy/calibration.json), used when
 * it exists. `none` (flag or variable) uses no profile. A file that is named but missing, is not JSON
 * or is not a profile is refused with one line; the profile's schema is loaded only when there is a
 * file to read, so commands without a profile start as fast as before.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import type { LoadedProfile } from "../calibrate/apply.js";
import { UserError } from "../errors.js";
import { jsonProblem } from "./safe-text.js";

export const CALIBRATION_ENV = "LLMDEPLOY_CALIBRATION";
/** The largest profile read: 16 MiB (a profile of thousands of runs is a few hundred KiB). */
const MAX_PROFILE_BYTES = 16 * 1024 * 1024;

/**
 * The default profile: $XDG_CONFIG_HOME/llmdeploy/calibration.json, or ~/.config/... when the variable
 * is unset, empty or relative (XDG Base Directory Specification,
 * https://specifications.freedesktop.org/basedir-spec/latest/: "If $XDG_CONFIG_HOME is either not set
 * or empty, a default equal to $HOME/.config should be used" and "If an implementation encounters a
 * relative path in any of these variables it should consider the path invalid and ignore it").
 */
export function defaultProfilePath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".config");
  return join(base, "llmdeploy", "calibration.json");
}

/** Reads and validates a profile file; a UserError (one line and a hint) when it cannot be used. */
export async function readProfile(path: string, source: LoadedProfile["source"]): Promise<LoadedProfile> {
  const named =
    source === "flag"
      ? "pass another --calibration, or --calibration none"
      : source === "env"
        ? `${CALIBRATION_ENV} names it: point it at a profile, or set it to none`
        : "it is the default profile: fix or remove it, or pass --calibration none";
  const field = source === "flag" ? "calibration" : undefined;
  if (!existsSync(path))
    throw new UserError(
      `calibration profile ${path} does not exist`,
      `make one with llmdeploy calibrate --bench RUN.json --plan plan.yaml --out ${path}; or ${named}`,
      1,
      field,
    );
  const st = statSync(path);
  if (!st.isFile()) throw new UserError(`calibration profile ${path} is not a file`, named, 1, field);
  if (st.size > MAX_PROFILE_BYTES)
    throw new UserError(
      `calibration profile ${path} is ${(st.size / 1024 / 1024).toFixed(0)} MiB, over the 16 MiB a profile may be`,
      named,
      1,
      field,
    );
  let raw: unknown;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "read error";
    throw new UserError(`cannot read calibration profile ${path} (${code})`, named, 1, field);
  }
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(
      `calibration profile ${path} is not JSON: ${jsonProblem(e, text)}`,
      `llmdeploy calibrate writes it; ${named}`,
      1,
      field,
    );
  }
  const { parseProfile } = await import("../calibrate/profile.js");
  const r = parseProfile(raw);
  if ("problem" in r)
    throw new UserError(
      `calibration profile ${path} ${r.problem}`,
      `llmdeploy schema calibration prints its JSON Schema; make it again with llmdeploy calibrate; or ${named}`,
      1,
      field,
    );
  return { profile: r.profile, path, source };
}

/** The profile a command applies (flag, then environment, then the default location), or null. */
export async function loadCalibration(flag: string | undefined): Promise<LoadedProfile | null> {
  if (flag !== undefined) return flag.trim() === "none" ? null : readProfile(flag, "flag");
  const env = process.env[CALIBRATION_ENV];
  if (env !== undefined && env.trim() !== "") return env.trim() === "none" ? null : readProfile(env, "env");
  const path = defaultProfilePath();
  return existsSync(path) ? readProfile(path, "default") : null;
}
