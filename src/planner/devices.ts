/**
 * Which GPU types a plan may use, and why the others are left out: datacenter GPUs unless others are
 * named or allowed, the named provider's GPUs, and what the engine's pinned image can run (each
 * exclusion a note, so a plan says why a GPU it never shows was not chosen).
 */
import { providers } from "../catalog/instances.js";
import type { DeviceEntry } from "../catalog/types.js";
import type { PlanSpec } from "../contract/plan.js";
import { UserError } from "../errors.js";
import { providerOffers, type PricingSpec } from "./pricing.js";

/** GeForce and workstation GPUs: candidates only when named or allowed. */
export const isConsumerGpu = (g: DeviceEntry): boolean =>
  g.segment === "consumer" || g.segment === "workstation";

const names = (gs: readonly DeviceEntry[]) => gs.map((g) => g.id).join(", ");

/**
 * The devices left after the spec's datacenter and provider rules, with a note for each rule that
 * removed some. Throws a UserError when the provider rents none of the allowed GPUs.
 */
export function screenDevices(
  allowed: readonly DeviceEntry[],
  spec: Pick<PlanSpec, "gpus" | "allowConsumerGpus"> & PricingSpec,
): { devices: DeviceEntry[]; notes: string[] } {
  const notes: string[] = [];
  let devices = [...allowed];
  if (!spec.gpus.length && !spec.allowConsumerGpus) {
    const consumer = devices.filter(isConsumerGpu);
    if (consumer.length) {
      devices = devices.filter((g) => !isConsumerGpu(g));
      notes.push(
        `datacenter GPUs only: workstation and GeForce GPUs (${names(consumer)}) are left out unless named (--gpu rtx-4090) or allowed (--allow-consumer-gpus)`,
      );
    }
  }
  if (spec.provider) {
    const p = providers.find((x) => x.id === spec.provider);
    const offered = devices.filter((g) => providerOffers(g, spec).length > 0);
    const pricing = spec.pricing === "spot" ? "spot" : "on-demand";
    const anyOfKind = p ? p.instances.some((o) => o.pricing === pricing || p.kind === "marketplace") : false;
    if (!anyOfKind) {
      const withSpot = providers.filter(
        (x) => x.instances.some((o) => o.pricing === "spot") || x.kind === "marketplace",
      );
      throw new UserError(
        `${p?.name ?? spec.provider} has no spot instances in llmdeploy's instance catalog`,
        `drop --pricing spot to price its on-demand instances, or choose a provider with spot or marketplace offers: ${withSpot.map((x) => x.id).join(", ")}`,
        1,
        "provider",
      );
    }
    if (!offered.length) {
      throw new UserError(
        `${p?.name ?? spec.provider} rents none of ${spec.gpus.length ? names(devices) : "the allowed GPUs"} ${pricing} in llmdeploy's instance catalog`,
        `its GPUs: ${[...new Set(p?.instances.filter((o) => o.pricing === pricing).map((o) => o.gpu))].join(", ") || "none"}; or choose another --provider`,
        1,
        "provider",
      );
    }
    const missing = devices.filter((g) => !offered.includes(g));
    if (missing.length && spec.gpus.length)
      notes.push(
        `${p?.name ?? spec.provider} rents no ${names(missing)} ${pricing} in the catalog: left out`,
      );
    devices = offered;
  }
  return { devices, notes };
}

/**
 * What the engine's image cannot run, GPU type by GPU type: recorded while the planner tries each
 * precision, then one note per GPU type (or one error when no allowed GPU can serve the model).
 */
export class SupportLog {
  private readonly reasons = new Map<string, { device: DeviceEntry; byPrecision: Map<string, string> }>();
  private readonly servedIds = new Set<string>();

  /** The engine cannot run this precision on this device, for this reason. */
  refuse(device: DeviceEntry, precision: string, reason: string): void {
    const e = this.reasons.get(device.id) ?? { device, byPrecision: new Map<string, string>() };
    e.byPrecision.set(precision, reason);
    this.reasons.set(device.id, e);
  }

  /** The engine can run some precision on this device. */
  accept(device: DeviceEntry): void {
    this.servedIds.add(device.id);
  }

  /** Whether the engine can run some allowed precision on this device. */
  served(device: DeviceEntry): boolean {
    return this.servedIds.has(device.id);
  }

  /** One line per GPU type with a refusal: every reason once, and the precisions it applies to. */
  notes(): string[] {
    const out: string[] = [];
    for (const { device, byPrecision } of this.reasons.values()) {
      const distinct = [...new Set(byPrecision.values())];
      const partial = this.servedIds.has(device.id);
      const text = distinct
        .map((r) => {
          const precisions = [...byPrecision].filter(([, v]) => v === r).map(([k]) => k);
          return partial ? `${precisions.join(", ")} not served: ${r}` : r;
        })
        .join("; ");
      out.push(partial ? `${device.id}: ${text}` : `${device.id} left out: ${text}`);
    }
    return out;
  }

  /** True when every one of these devices was refused for every precision. */
  refusedAll(devices: readonly DeviceEntry[]): boolean {
    return devices.length > 0 && devices.every((d) => this.reasons.has(d.id) && !this.servedIds.has(d.id));
  }

  /** The distinct reasons, for an error that lists them. */
  allReasons(): string[] {
    return [...new Set([...this.reasons.values()].flatMap((e) => [...e.byPrecision.values()]))];
  }
}

/**
 * The error when nothing fits and some GPU types were tried only up to the largest instance offered
 * (`limits`: GPU id -> GPUs per instance): the instances, not the GPU count, are what stops the plan.
 */
export function instanceLimitError(
  modelId: string,
  spec: PricingSpec,
  limits: ReadonlyMap<string, number>,
  smallerAllowed: boolean,
): UserError {
  const who = spec.provider
    ? (providers.find((x) => x.id === spec.provider)?.name ?? spec.provider)
    : spec.pricing === "spot"
      ? "the spot and marketplace offers"
      : "AWS, Google Cloud and Azure";
  const most = Math.max(...limits.values());
  return new UserError(
    `${modelId} fits on none of the instances offered: ${who} rent${spec.provider ? "s" : ""} ${[...limits.keys()].join(", ")} ` +
      `with at most ${most} GPU${most > 1 ? "s" : ""} per instance, and a node cannot span instances`,
    `${spec.provider ? "choose a --provider with larger instances, " : ""}${smallerAllowed ? "" : "allow a smaller precision (--precision int4), "}lower --max-model-len, or give a --gpu-price to size any node`,
    1,
    spec.provider ? "provider" : "gpus",
  );
}
