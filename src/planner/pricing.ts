/**
 * What a GPU costs per hour in a plan: a purchase price written off over months (on-prem), a price
 * the user gave, the named provider's instances, spot and marketplace offers per GPU-hour (`pricing:
 * spot`), or by default the on-demand instances of AWS, Google Cloud and Azure. Instances are rented
 * whole: a deployment priced from instance offers is billed by providers.ts billInstances (the
 * cheapest type that holds each node), not per GPU.
 */
import {
  cheapestPerGpu,
  MAJOR_CLOUDS,
  offerLabel,
  offersFor,
  perGpuHour,
  type ProviderOffer,
  spotPrices,
} from "../catalog/instances.js";
import { defaultGpuPrice } from "../catalog/prices.js";
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
  /**
   * Instance offers of this GPU (the provider's, or by default the major clouds' on-demand ones). A
   * deployment is then billed in whole instances (providers.ts billInstances); `usd` is the
   * cheapest per-GPU-hour among them, for display.
   */
  offers?: ProviderOffer[];
}

/** What pricing a plan needs to know of the spec. */
export type PricingSpec = Pick<PlanSpec, "gpuPurchaseUsd" | "amortizationMonths" | "pricing"> & {
  provider?: string | null | undefined;
};

/** The instances of this GPU the spec's provider rents (on demand, or spot under `pricing: spot`). */
export function providerOffers(g: DeviceEntry, spec: PricingSpec): ProviderOffer[] {
  if (!spec.provider) return [];
  return offersFor(g.id, spec.pricing === "spot" ? "spot" : "on-demand", [spec.provider]);
}

/** The price of one GPU-hour of this device under the spec, or null when there is none. */
export function gpuPrice(
  g: DeviceEntry,
  spec: PricingSpec,
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
  if (spec.provider) {
    const offers = providerOffers(g, spec);
    const best = cheapestPerGpu(offers);
    if (!best) return null;
    return { usd: perGpuHour(best), basis: offerLabel(best), purchase: null, offers };
  }
  if (spec.pricing === "spot") {
    const spot = spotPrices(g)[0];
    if (spot)
      return { usd: spot.usd, basis: `${spot.label} (cheapest spot or marketplace offer)`, purchase: null };
    const d = defaultGpuPrice(g);
    return d ? { usd: d.usdPerGpuHour, basis: `no spot offer: ${d.basis}`, purchase: null } : null;
  }
  // Whole instances from the major clouds: the cheapest on-demand type that holds each node.
  const offers = offersFor(g.id, "on-demand", MAJOR_CLOUDS);
  const d = defaultGpuPrice(g);
  return d && offers.length ? { usd: d.usdPerGpuHour, basis: d.basis, purchase: null, offers } : null;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * Cost of a deployment that costs `hourly` US dollars an hour (null: no price), producing
 * `outputTokensPerSec`; `gpus` GPUs in all (for the purchase price of on-prem plans).
 */
export function costOfHourly(
  price: GpuPrice | null,
  hourly: number | null,
  gpus: number,
  outputTokensPerSec: number,
  pricing: PlanSpec["pricing"],
  basis: string | null = null,
): Cost {
  return {
    perHourUsd: hourly === null ? null : round2(hourly),
    perMonthUsd: hourly === null ? null : Math.round(hourly * HOURS_PER_MONTH),
    perMillionOutputTokensUsd:
      hourly === null || outputTokensPerSec <= 0
        ? null
        : round2((hourly / (outputTokensPerSec * 3600)) * 1e6),
    purchaseUsd: price?.purchase ? price.purchase * gpus : null,
    basis:
      basis ??
      (price
        ? price.basis
        : pricing === "onprem"
          ? "no price given (--gpu-price)"
          : "no price: no on-demand offer from AWS, Google Cloud or Azure in the catalog (--gpu-price GPU=USD adds one)"),
  };
}

/** Cost of `gpus` GPUs at this price per GPU-hour, producing `outputTokensPerSec`. */
export function costOf(
  price: GpuPrice | null,
  gpus: number,
  outputTokensPerSec: number,
  pricing: PlanSpec["pricing"],
): Cost {
  return costOfHourly(price, price ? price.usd * gpus : null, gpus, outputTokensPerSec, pricing);
}
