import { majorCloudPrice, MAJOR_CLOUDS, offerLabel, perGpuHour, providers } from "./instances.js";
import type { DeviceEntry, GpuEntry } from "./types.js";

/**
 * The cheapest price in a device's own list (data/devices/<id>.json `prices`) from a hyperscaler or a
 * GPU cloud; marketplace floors and sellers of unknown kind are left out. A lookup for library users;
 * `llmdeploy gpus` shows `defaultGpuPrice` per GPU-hour, and `plan` and `estimate` price deployments
 * in whole instances (planner/pricing.ts priceDeployment).
 */
export function cheapestPrice(g: GpuEntry): GpuEntry["prices"][number] | null {
  return (
    [...g.prices]
      .filter((p) => p.kind === "hyperscaler" || p.kind === "gpu-cloud")
      .sort((a, b) => a.usdPerGpuHour - b.usdPerGpuHour)[0] ?? null
  );
}

/** A price per GPU-hour and the one line that says where it comes from. */
export interface DefaultPrice {
  usdPerGpuHour: number;
  /** e.g. "AWS g6e.xlarge on-demand, us-east-1, 2026-01-21: $1.86/h for 1 GPU". */
  basis: string;
}

const cloudNames = () => MAJOR_CLOUDS.map((id) => providers.find((p) => p.id === id)?.name ?? id).join(", ");

/**
 * The default price of one GPU-hour, for display (`llmdeploy gpus`, the per-GPU figure of a plan's
 * price): the cheapest per-GPU-hour on-demand offer among AWS, Google Cloud and Azure (instance price
 * ÷ GPUs per instance), or null when none of them rents the GPU ("no price": `--gpu-price` adds one).
 * A deployment is billed in whole instances (planner/pricing.ts priceDeployment), never at this
 * share × GPUs: one H200 costs a whole 8-GPU instance where no smaller one is offered.
 */
export function defaultGpuPrice(g: DeviceEntry): DefaultPrice | null {
  const o = majorCloudPrice(g.id);
  if (!o) return null;
  const per = perGpuHour(o);
  return {
    usdPerGpuHour: per,
    basis:
      `${offerLabel(o)}: $${o.usdPerHour.toFixed(2)}/h for ${o.gpusPerInstance} GPU${o.gpusPerInstance > 1 ? "s" : ""}` +
      ` (cheapest per GPU-hour among ${cloudNames()} on-demand)`,
  };
}
