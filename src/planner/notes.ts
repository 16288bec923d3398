/**
 * The notes a plan carries about what it was given and what it chose: where prices come from and
 * which GPUs have none, the instances rented, the GeForce licence, the host a multi-replica compose
 * file needs, the load in users, and targets the recommendation may miss. Pure.
 */
import { MAJOR_CLOUDS, providers } from "../catalog/instances.js";
import type { DeviceEntry } from "../catalog/types.js";
import type { Deployment, PlanSpec } from "../contract/plan.js";
import { fmtMs } from "./evaluate.js";
import { METRIC_NAME } from "./targets.js";

/**
 * NVIDIA's GeForce driver licence, section 2.1.3 (https://www.nvidia.com/en-us/drivers/geforce-license/,
 * quoted in https://deeptalk.lambdalabs.com/t/nvidia-geforce-datacenter-ban-january-eula-change/138):
 * "No Datacenter Deployment. The SOFTWARE is not licensed for datacenter deployment, except that
 * blockchain processing in a datacenter is permitted."
 */
export const GEFORCE_LICENCE = {
  url: "https://www.nvidia.com/en-us/drivers/geforce-license/",
  quote:
    "No Datacenter Deployment. The SOFTWARE is not licensed for datacenter deployment, except that blockchain processing in a datacenter is permitted.",
} as const;

const providerName = (id: string) => providers.find((p) => p.id === id)?.name ?? id;

/** Where the plan's prices come from, in one sentence. */
export function pricingNote(spec: Pick<PlanSpec, "pricing" | "provider">): string | null {
  if (spec.pricing === "onprem") return null;
  if (spec.provider)
    return (
      `priced as ${providerName(spec.provider)} ${spec.pricing === "spot" ? "spot" : "on-demand"} instances ` +
      "(data/instances/" +
      spec.provider +
      ".json: region and date of each price in recommendation.instance); whole instances are rented"
    );
  const clouds = MAJOR_CLOUDS.map(providerName).join(", ");
  return spec.pricing === "spot"
    ? "priced as whole spot or marketplace instances: for each GPU type, the cheapest spot instance of any provider, marketplace instance (RunPod Community Cloud) or 1-GPU marketplace lease (Akash floors) that holds each node (spot capacity and marketplace offers come and go; provider, type and date in recommendation.instance), else on-demand instances of " +
        clouds
    : `priced as whole on-demand instances: for each GPU type, the cheapest instance among ${clouds} that holds each node (data/instances/; provider, type, region and date in recommendation.instance); marketplace and spot prices only with --pricing spot or --provider runpod-community`;
}

/**
 * GPUs the plan considered without a price: they rank after priced GPUs, and under a budget they
 * cannot be shown to meet it, so none of them is recommended as meeting the targets.
 */
export function noPriceNote(
  unpriced: readonly DeviceEntry[],
  spec: Pick<PlanSpec, "pricing" | "budgetPerHourUsd">,
): string | null {
  if (!unpriced.length) return null;
  const ids = unpriced.map((g) => g.id);
  const why =
    spec.pricing === "onprem"
      ? "no price given"
      : spec.pricing === "spot"
        ? "no spot or marketplace instance, nor an on-demand one from AWS, Google Cloud or Azure, in the catalog"
        : "no on-demand price from AWS, Google Cloud or Azure in the catalog";
  const fate =
    spec.budgetPerHourUsd !== null
      ? `they cannot be shown to meet the budget of $${spec.budgetPerHourUsd}/h, so none of them is recommended as meeting the targets`
      : 'they stay in the results, marked "no price", ranked after priced GPUs';
  return `no price for ${ids.join(", ")} (${why}): ${fate}; add one with --gpu-price ${ids[0]}=USD_PER_GPU_HOUR`;
}

/** What a recommendation on rented instances pays for beyond its GPUs, and what it lacks. */
export function instanceNotes(d: Deployment): string[] {
  const i = d.instance;
  if (!i) return [];
  const out: string[] = [];
  const used = d.gpuCount * d.replicas;
  if (i.unusedGpus > 0) {
    const more = d.nodes === 1 ? Math.floor(i.unusedGpus / d.gpuCount) : 0;
    out.push(
      `${i.count}× ${i.type} has ${i.count * i.gpusPerInstance} GPUs for the ${used} the replicas use: ` +
        `${i.unusedGpus} unused GPU${i.unusedGpus > 1 ? "s are" : " is"} paid for (instances are rented whole)` +
        (more > 0 ? `; room for ${more} more replica${more > 1 ? "s" : ""} at no extra cost` : ""),
    );
  }
  if (i.hostShortfall)
    out.push(
      `${i.hostShortfall} for what each node needs: no ${d.gpu} instance type of this provider has more`,
    );
  return out;
}

/** The GeForce licence's datacenter clause, when a GeForce GPU is among the plan's deployments. */
export function geforceNote(
  deployments: readonly { gpu: string }[],
  catalog: readonly DeviceEntry[],
): string | null {
  const used = [...new Set(deployments.map((d) => d.gpu))].filter(
    (id) => catalog.find((g) => g.id === id)?.segment === "consumer",
  );
  if (!used.length) return null;
  return `${used.join(", ")}: NVIDIA's GeForce driver licence (section 2.1.3, ${GEFORCE_LICENCE.url}) says "${GEFORCE_LICENCE.quote}"`;
}

/**
 * docker compose runs every replica on the one host it is started on: replicas × GPUs per replica
 * GPUs on that host (the compose file gives each replica its own device ids).
 */
export function composeHostNote(d: Deployment, spec: Pick<PlanSpec, "packaging">): string | null {
  if (spec.packaging !== "compose" || d.replicas < 2 || d.nodes > 1) return null;
  const total = d.replicas * d.gpuCount;
  return (
    `compose.yaml runs all ${d.replicas} replicas on one host: it needs ${total} GPUs ` +
    `(${d.replicas} × ${d.gpuCount}× ${d.gpuName}); for one replica per host, run --packaging kubernetes`
  );
}

/** The load given as users: how it became a request rate, and what is in flight (Little's law). */
export function loadNote(d: Deployment, spec: Pick<PlanSpec, "load">): string | null {
  const l = spec.load;
  if (!l) return null;
  const w = (d.performance.percentiles?.e2eP50Ms ?? d.performance.e2eLatencyMs) / 1000;
  const inFlight = l.requestRate * w;
  return (
    `load: ${l.formula}; at the predicted ${w.toFixed(1)} s per request, about ${inFlight.toFixed(1)} ` +
    "requests are in flight (Little's law: in flight = rate × time in the system)"
  );
}

/** Targets the recommendation meets at its prediction but not at the pessimistic end of its band. */
export function withinBandNotes(d: Deployment): string[] {
  return (d.targets ?? [])
    .filter((t) => t.withinBand)
    .map(
      (t) =>
        `${METRIC_NAME[t.metric]} ${fmtMs(t.predictedMs)} is within the ±${Math.round(t.band * 100)} % error band of its ` +
        `${fmtMs(t.targetMs)} target (${fmtMs(t.pessimisticMs)} at the pessimistic end): it may well miss`,
    );
}
