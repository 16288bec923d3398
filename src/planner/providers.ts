/**
 * Billing in whole instances: a plan with a provider rents instances, not GPUs. A replica whose node
 * needs g GPUs runs on an instance type with at least g GPUs; replicas that fit one node share an
 * instance when it has room for several (as many as floor(GPUs per instance / g)); each node of a
 * multi-node replica is its own instance. The cheapest instance type for the whole deployment wins,
 * and the GPUs it has beyond what the plan uses are paid for too (`unusedGpus`).
 */
import { type ProviderOffer, providers } from "../catalog/instances.js";
import type { InstanceChoice } from "../contract/plan.js";

/** The shape a deployment asks of the hardware. */
export interface DeploymentShape {
  /** GPUs one node of a replica uses. */
  gpusPerNode: number;
  /** Nodes per replica. */
  nodes: number;
  replicas: number;
  /** What one node needs besides its GPUs (planner/host.ts), when it is known. */
  host?: { cpuCores: number; ramGiB: number };
}

/**
 * Whether an instance type has the vCPUs and RAM its nodes need: a node's needs times the replicas
 * it holds. Unknown specs (null in the catalog) pass. Returns what falls short, or null.
 */
export function hostShortfall(o: ProviderOffer, s: DeploymentShape): string | null {
  if (!s.host) return null;
  const perInstance = s.nodes > 1 ? 1 : Math.min(s.replicas, Math.floor(o.gpusPerInstance / s.gpusPerNode));
  const cores = s.host.cpuCores * perInstance;
  const ram = s.host.ramGiB * perInstance;
  const short: string[] = [];
  if (o.vcpus !== null && o.vcpus < cores) short.push(`${o.vcpus} vCPUs (needs ${cores})`);
  if (o.ramGiB !== null && o.ramGiB < ram) short.push(`${o.ramGiB} GiB RAM (needs ${ram})`);
  return short.length ? `${o.type} has ${short.join(" and ")}` : null;
}

/**
 * Instances of one type a deployment needs: one per node for multi-node replicas, else the replicas
 * packed floor(gpusPerInstance / gpusPerNode) to an instance. Null when the type has too few GPUs.
 * E.g. 3 replicas of 2 GPUs on 8-GPU instances: 4 fit one instance, so 1 instance (2 GPUs unused);
 * on 4-GPU instances: 2 per instance, so 2 instances; a 16-GPU replica (2 nodes of 8) on 8-GPU
 * instances: 2 instances per replica.
 */
export function instancesNeeded(gpusPerInstance: number, s: DeploymentShape): number | null {
  if (gpusPerInstance < s.gpusPerNode) return null;
  if (s.nodes > 1) return s.nodes * s.replicas;
  return Math.ceil(s.replicas / Math.floor(gpusPerInstance / s.gpusPerNode));
}

/**
 * The cheapest way to rent a deployment from these offers (one provider's instances of one GPU
 * type), or null when no instance type has enough GPUs for one node. Instance types with too few
 * vCPUs or too little RAM for the host needs are passed over while another type has enough; when
 * none has, the cheapest is taken and `hostShortfall` says what it lacks. Ties go to the type that
 * leaves fewer GPUs unused.
 */
export function billInstances(
  offers: readonly ProviderOffer[],
  s: DeploymentShape,
): { hourly: number; instance: InstanceChoice } | null {
  const roomy = offers.filter((o) => {
    const n = instancesNeeded(o.gpusPerInstance, s);
    return n !== null && hostShortfall(o, s) === null;
  });
  return cheapestBill(roomy.length ? roomy : offers, s);
}

function cheapestBill(
  offers: readonly ProviderOffer[],
  s: DeploymentShape,
): { hourly: number; instance: InstanceChoice } | null {
  const used = s.gpusPerNode * s.nodes * s.replicas;
  let best: { hourly: number; instance: InstanceChoice } | null = null;
  for (const o of offers) {
    const count = instancesNeeded(o.gpusPerInstance, s);
    if (count === null) continue;
    const hourly = Math.round(count * o.usdPerHour * 1e4) / 1e4;
    const unusedGpus = count * o.gpusPerInstance - used;
    if (best && (hourly > best.hourly || (hourly === best.hourly && unusedGpus >= best.instance.unusedGpus)))
      continue;
    best = {
      hourly,
      instance: {
        provider: o.provider,
        type: o.type,
        gpusPerInstance: o.gpusPerInstance,
        count,
        usdPerHour: o.usdPerHour,
        pricing: o.pricing,
        region: o.region,
        date: o.date,
        source: o.source.url,
        unusedGpus,
        hostShortfall: hostShortfall(o, s),
      },
    };
  }
  return best;
}

/** "1× p5.48xlarge (8 GPUs, $55.04/h each, AWS on-demand, us-east-1, 2026-01-21)". */
export function instanceLabel(i: InstanceChoice): string {
  const providerName = providers.find((p) => p.id === i.provider)?.name ?? i.provider;
  return (
    `${i.count}× ${i.type} (${i.gpusPerInstance} GPU${i.gpusPerInstance > 1 ? "s" : ""}, ` +
    `$${i.usdPerHour.toFixed(2)}/h each, ${providerName} ${i.pricing}, ${i.region ?? "region not stated"}, ` +
    `${i.date ?? "undated source"})`
  );
}
