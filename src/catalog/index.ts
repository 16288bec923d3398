/**
 * The catalogs: GPUs and CPU hosts (data/devices/*.json), models (data/models/*.json) and size aliases
 * (data/models/aliases.json), as loaded by data.ts; lookups over them.
 */
import { closest, UserError } from "../errors.js";
import { deviceData, modelData, sizeAliasData } from "./data.js";
import type { DeviceEntry, ModelEntry } from "./types.js";

/** GPUs and CPU hosts: everything `--gpu` may name, GPUs first. */
export const devices: readonly DeviceEntry[] = deviceData;
/** The GPUs of the catalog (devices without "kind": "cpu"), in catalog order. */
export const gpus: readonly DeviceEntry[] = deviceData.filter((d) => d.kind !== "cpu");
/** CPU hosts for llama.cpp / Ollama ("kind": "cpu"). */
export const cpus: readonly DeviceEntry[] = deviceData.filter((d) => d.kind === "cpu");
/** The model catalog, in catalog order. */
export const models: readonly ModelEntry[] = modelData;
/**
 * Size aliases: what `llmdeploy estimate 70b` means. Each maps to the most widely deployed open model
 * of that size at the time of writing; the CLI always says which model it picked.
 */
export const SIZE_ALIASES: Readonly<Record<string, string>> = sizeAliasData;

const norm = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-");

/** A GPU by id or alias ("h100", "H100-SXM", "a100_80g"); UserError with suggestions otherwise. */
export function findGpu(input: string): DeviceEntry {
  const q = norm(input);
  const hit = devices.find((g) => g.id === q || (g.aliases ?? []).some((a) => norm(a) === q));
  if (hit) return hit;
  const near = closest(
    q,
    devices.flatMap((g) => [g.id, ...(g.aliases ?? [])]),
  );
  throw new UserError(
    `unknown GPU "${input}"`,
    near.length
      ? `did you mean ${near.join(", ")}? (llmdeploy gpus lists all)`
      : "llmdeploy gpus lists the catalog",
  );
}

export { cheapestPrice } from "./prices.js";

/**
 * Whether a Hub repository is gated, from the model catalog (an entry's hfId or otherHfIds, any case;
 * a "@revision" suffix is ignored): true or false when the catalog records it, null when it does not.
 */
export function repoGated(repo: string | null): boolean | null {
  if (!repo) return null;
  const r = repo.replace(/@.*$/, "").toLowerCase();
  const m = modelData.find(
    (x) => x.hfId.toLowerCase() === r || (x.otherHfIds ?? []).some((h) => h.toLowerCase() === r),
  );
  return m?.gated?.value ?? null;
}
