/**
 * The instance catalog (data/instances/<provider>.json, loaded by instance-data.ts): which GPU
 * instances each provider rents, at what price per instance-hour, and the per-GPU prices derived from
 * them. Pure lookups over data; no I/O.
 */
import { closest, UserError } from "../errors.js";
import { providerData } from "./instance-data.js";
import type { DeviceEntry, GpuPrice, InstanceOffer, ProviderEntry } from "./types.js";

/** Every provider, in catalog order (hyperscale clouds, GPU clouds, marketplaces). */
export const providers: readonly ProviderEntry[] = providerData;

/** Provider ids, as `--provider` takes them. */
export const PROVIDER_IDS: readonly string[] = providerData.map((p) => p.id);

/**
 * The clouds whose on-demand list prices price a GPU when no provider is named: the three largest
 * public clouds (AWS, Google Cloud, Azure). Their prices are published list prices that anyone can
 * rent at, unlike marketplace "starting at" floors whose offers come and go.
 */
export const MAJOR_CLOUDS: readonly string[] = ["aws", "gcp", "azure"];

/** A provider by id ("aws", "AWS"); UserError naming the known ones otherwise. */
export function findProvider(input: string): ProviderEntry {
  const q = input.trim().toLowerCase();
  const hit = providers.find((p) => p.id === q);
  if (hit) return hit;
  const near = closest(q, PROVIDER_IDS);
  throw new UserError(
    `unknown provider "${input}"`,
    `use one of ${PROVIDER_IDS.join(", ")}${near.length ? ` (did you mean ${near[0]}?)` : ""}`,
    1,
    "provider",
  );
}

/** An instance offer with the provider it belongs to. */
export interface ProviderOffer extends InstanceOffer {
  provider: string;
  providerName: string;
  providerKind: ProviderEntry["kind"];
}

/** Every offer of a GPU type, from these providers (all when omitted), on demand or spot. */
export function offersFor(
  gpuId: string,
  pricing: InstanceOffer["pricing"],
  from: readonly string[] = PROVIDER_IDS,
): ProviderOffer[] {
  return providers
    .filter((p) => from.includes(p.id))
    .flatMap((p) =>
      p.instances
        .filter((o) => o.gpu === gpuId && o.pricing === pricing)
        .map((o) => ({ ...o, provider: p.id, providerName: p.name, providerKind: p.kind })),
    );
}

/** US dollars per GPU-hour of an offer: the instance price shared by its GPUs. */
export const perGpuHour = (o: InstanceOffer): number => o.usdPerHour / o.gpusPerInstance;

/** The offer with the lowest price per GPU-hour (ties: fewer GPUs per instance), or null. */
export function cheapestPerGpu<T extends InstanceOffer>(offers: readonly T[]): T | null {
  return (
    [...offers].sort((a, b) => perGpuHour(a) - perGpuHour(b) || a.gpusPerInstance - b.gpusPerInstance)[0] ??
    null
  );
}

/** "AWS g6e.xlarge on-demand, us-east-1, 2026-01-21" — where a price comes from, in one phrase. */
export function offerLabel(o: ProviderOffer): string {
  return (
    `${o.providerName} ${o.type} ${o.pricing}, ${o.region ?? "region not stated"}, ` +
    (o.date ?? "undated source")
  );
}

/**
 * The default price of one GPU-hour: the cheapest per-GPU-hour on-demand offer among the major clouds
 * (AWS, Google Cloud, Azure), or null when none of them rents this GPU.
 */
export function majorCloudPrice(gpuId: string): ProviderOffer | null {
  return cheapestPerGpu(offersFor(gpuId, "on-demand", MAJOR_CLOUDS));
}

/**
 * The device's own marketplace prices (data/devices/<id>.json `prices`, kind "marketplace": Akash's
 * "starting at" floors) from sellers the instance catalog does not have, as offers of one GPU: the
 * price is per GPU, and no multi-GPU lease is priced in the catalog, so it prices 1-GPU nodes only.
 */
function marketplaceListOffers(g: DeviceEntry): ProviderOffer[] {
  const known = (seller: string) =>
    providers.some((p) => p.name.toLowerCase().startsWith(seller.toLowerCase()));
  return g.prices
    .filter((p: GpuPrice) => p.kind === "marketplace" && !known(p.provider))
    .map((p) => ({
      type: `1-GPU lease (${p.basis})`,
      gpu: g.id,
      gpusPerInstance: 1,
      vcpus: null,
      ramGiB: null,
      localDiskGB: null,
      networkGbps: null,
      pricing: "on-demand" as const,
      usdPerHour: p.usdPerGpuHour,
      region: null,
      date: p.date,
      source: p.source,
      note: "a per-GPU marketplace price from the device catalog, priced as a 1-GPU lease",
      provider: p.provider.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      providerName: p.provider,
      providerKind: "marketplace" as const,
    }));
}

/**
 * What `--pricing spot` rents a GPU as, whole instances: every provider's spot instances, the
 * marketplaces' on-demand ones (RunPod Community Cloud), and the device's marketplace floors as 1-GPU
 * leases (Akash). A deployment is billed from them like any instances (planner/providers.ts
 * billInstances): a 1-GPU deployment never pays the per-GPU share of an 8-GPU spot instance.
 */
export function spotOffers(g: DeviceEntry): ProviderOffer[] {
  return [
    ...offersFor(g.id, "spot"),
    ...offersFor(g.id, "on-demand").filter((o) => o.providerKind === "marketplace"),
    ...marketplaceListOffers(g),
  ];
}

/**
 * Interruptible and market prices of a GPU, per GPU-hour, cheapest first (for display: a deployment
 * is billed in whole instances from `spotOffers`).
 */
export function spotPrices(g: DeviceEntry): { usd: number; label: string; gpusPerInstance: number }[] {
  return spotOffers(g)
    .map((o) => ({ usd: perGpuHour(o), label: offerLabel(o), gpusPerInstance: o.gpusPerInstance }))
    .sort((a, b) => a.usd - b.usd);
}
