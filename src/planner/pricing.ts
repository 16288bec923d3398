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
  providers,
  spotOffers,
} from "../catalog/instances.js";
import { defaultGpuPrice } from "../catalog/prices.js";
import type { DeviceEntry } from "../catalog/types.js";
import type { Cost, InstanceChoice, PlanSpec } from "../contract/plan.js";
import { DEFAULTS } from "../defaults.js";
import { billInstances, type DeploymentShape, instanceLabel } from "./providers.js";

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

/**
 * The default pricing: on-demand instances of AWS, Google Cloud and Azure, no provider named, no
 * price given (what `estimate` prices with, and `plan` without --provider, --pricing or prices).
 */
export const DEFAULT_PRICING: PricingSpec = {
  pricing: DEFAULTS.pricing,
  provider: null,
  gpuPurchaseUsd: {},
  amortizationMonths: DEFAULTS.amortizationMonths,
};

/**
 * The instances of this GPU the spec's provider rents: on demand, or under `pricing: spot` its spot
 * instances (and a marketplace's on-demand ones, which are market offers already).
 */
export function providerOffers(g: DeviceEntry, spec: PricingSpec): ProviderOffer[] {
  if (!spec.provider) return [];
  if (spec.pricing !== "spot") return offersFor(g.id, "on-demand", [spec.provider]);
  const market = providers.find((p) => p.id === spec.provider)?.kind === "marketplace";
  return [
    ...offersFor(g.id, "spot", [spec.provider]),
    ...(market ? offersFor(g.id, "on-demand", [spec.provider]) : []),
  ];
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
    // Whole spot or marketplace instances, the cheapest that holds each node; else on demand.
    const offers = spotOffers(g);
    const best = cheapestPerGpu(offers);
    if (best)
      return {
        usd: perGpuHour(best),
        basis: `${offerLabel(best)} (cheapest spot or marketplace offer per GPU-hour)`,
        purchase: null,
        offers,
      };
    const d = defaultGpuPrice(g);
    const onDemand = offersFor(g.id, "on-demand", MAJOR_CLOUDS);
    return d && onDemand.length
      ? { usd: d.usdPerGpuHour, basis: `no spot offer: ${d.basis}`, purchase: null, offers: onDemand }
      : null;
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

/** What a deployment costs an hour, and what is rented for it. */
export interface DeploymentPrice {
  /** US dollars per hour for the whole deployment; null: no price. */
  hourly: number | null;
  /** The instances rented when the price comes from instance offers (null: none holds a node). */
  instance: InstanceChoice | null;
  /** Where the price comes from, in one phrase (the instances, or the per-GPU price's basis). */
  basis: string | null;
}

/**
 * The price of a deployment of this shape, the one function `plan` and `estimate` price with: from
 * instance offers (a provider's, spot, or by default the major clouds' on-demand ones), the cheapest
 * instance type that holds each node, billed whole (providers.ts billInstances); from a per-GPU price
 * (on-prem, --gpu-price), that price × the GPUs. Null hourly when there is no price, or when no
 * offered instance type has GPUs enough for one node (basis says so).
 */
export function priceDeployment(price: GpuPrice | null, shape: DeploymentShape): DeploymentPrice {
  if (!price) return { hourly: null, instance: null, basis: null };
  if (!price.offers) {
    const gpus = shape.gpusPerNode * shape.nodes * shape.replicas;
    return { hourly: price.usd * gpus, instance: null, basis: price.basis };
  }
  const billed = billInstances(price.offers, shape);
  if (billed)
    return { hourly: billed.hourly, instance: billed.instance, basis: instanceLabel(billed.instance) };
  const largest = Math.max(...price.offers.map((o) => o.gpusPerInstance));
  return {
    hourly: null,
    instance: null,
    basis: `no price: no instance offered holds ${shape.gpusPerNode} GPUs on one node (the largest has ${largest})`,
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
