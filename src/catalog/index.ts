import { closest, UserError } from "../errors.js";
import { cpus } from "./cpu-data.js";
import { gpus } from "./gpu-data.js";
import type { GpuEntry } from "./types.js";

export { gpus } from "./gpu-data.js";
export { cpus } from "./cpu-data.js";

/** GPUs and CPU hosts: everything `--gpu` may name. */
export const devices: readonly GpuEntry[] = [...gpus, ...cpus];
export { models } from "./models/catalog.js";

const norm = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-");

/** A GPU by id or alias ("h100", "H100-SXM", "a100_80g"); UserError with suggestions otherwise. */
export function findGpu(input: string): GpuEntry {
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
