/** `llmdeploy schema [spec|calibration]`: the plan spec's JSON Schema (default), or the calibration profile's. */
import { UserError } from "../errors.js";
import { printJson } from "./output.js";

export async function runSchema(kind?: string): Promise<void> {
  if (kind === undefined || kind === "spec")
    return printJson((await import("../contract/spec.js")).specJsonSchema());
  if (kind === "calibration") return printJson((await import("../calibrate/profile.js")).profileJsonSchema());
  throw new UserError(
    `llmdeploy schema prints spec or calibration, got "${kind}"`,
    "e.g. llmdeploy schema calibration",
  );
}
