/**
 * What a GPU costs per hour in a plan: a purchase price written off over months (on-prem), a price
 * the user gave, or the catalog's cheapest listed price (cloud).
 */
import { cheapestPrice } from "../catalog/prices.js";
import type { DeviceEntry } from "../catalog/types.js";
import type { Cost, PlanSpec } from "../contract/plan.js";

/** Hours in an average month (8766 h / 12), for $/month. */
export const HOURS_PER_MONTH = 730.5;

export interface GpuPrice {
  /** US dollars per GPU-hour. */
  usd: number;
  basis: string;
  /** Purchase price per GPU (on-prem), when known. */
  purchase: number | null;
}

/** The price of one GPU-hour of this device under the spec, or null when there is none. */
export function gpuPrice(
  g: DeviceEntry,
  spec: Pick<PlanSpec, "gpuPurchaseUsd" | "amortizationMonths" | "pricing">,
  given: Record<string, number> = {},
): GpuPrice | null {
  const bought = spec.gpuPurchaseUsd[g.id];
  if (bought !== undefined) {
    const hours = spec.amortizationMonths * HOURS_PER_MONTH;
    return {
      usd: bought / hours,
      basis: `on-prem: $${bought} per GPU written off over ${spec.amortizationMonths} months (power, hosting not included)`,
      purchase: bought,
    };
  }
  const own = given[g.id];
  if (own !== undefined)
    return {
      usd: own,
      basis: `${spec.pricing === "onprem" ? "on-prem" : "given"} price per GPU-hour`,
      purchase: null,
    };
  if (spec.pricing === "onprem") return null;
  const p = cheapestPrice(g);
  return p ? { usd: p.usdPerGpuHour, basis: `${p.provider} ${p.basis}, ${p.date}`, purchase: null } : null;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** Cost of `gpus` GPUs at this price, producing `outputTokensPerSec`. */
export function costOf(
  price: GpuPrice | null,
  gpus: number,
  outputTokensPerSec: number,
  pricing: PlanSpec["pricing"],
): Cost {
  const hourly = price ? price.usd * gpus : null;
  return {
    perHourUsd: hourly === null ? null : round2(hourly),
    perMonthUsd: hourly === null ? null : Math.round(hourly * HOURS_PER_MONTH),
    perMillionOutputTokensUsd:
      hourly === null || outputTokensPerSec <= 0
        ? null
        : round2((hourly / (outputTokensPerSec * 3600)) * 1e6),
    purchaseUsd: price?.purchase ? price.purchase * gpus : null,
    basis: price ? price.basis : pricing === "onprem" ? "no price given (--gpu-price)" : "no catalog price",
  };
}
