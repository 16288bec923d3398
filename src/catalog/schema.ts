/**
 * zod schemas of the catalog data files (data/devices/<id>.json, data/models/<id>.json,
 * data/models/aliases.json) and the checks that tie the files together.
 *
 * Used where the data is checked, never at run time: `npm run build` (scripts/check-catalog.ts) and
 * test/unit/catalog.test.ts parse every file through these schemas and fail on the first invalid one,
 * so the bundled CLI imports the JSON as it is (src/catalog/data.ts) without parsing it again at start.
 *
 * Each schema is typed against the interface in types.ts (`z.ZodMiniType<DeviceEntry>`): a file that
 * parses is a value of that type. Objects are strict, so a misspelt key is an error, not ignored.
 */
import * as z from "zod/mini";
import { en } from "zod/locales";
import type {
  DeviceEntry,
  InstanceOffer,
  ModelEntry,
  ProviderEntry,
  Source,
  SourcedNumber,
} from "./types.js";

// zod/mini with the English messages (as src/contract/spec.ts), so a problem says what is wrong.
z.config(en());

const text = z.string().check(z.minLength(1));
const url = z.string().check(z.regex(/^https:\/\/\S+$/, "a source URL must start with https://"));
const positive = z.number().check(z.positive());
/** Catalog ids: lowercase, [a-z0-9.-], as typed on the command line. */
const id = z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]*$/, "ids are lowercase [a-z0-9.-]"));
const date = z.string().check(z.regex(/^\d{4}-\d{2}(-\d{2})?$/, "a date is YYYY-MM or YYYY-MM-DD"));

export const sourceSchema: z.ZodMiniType<Source> = z.strictObject({ url, quote: z.optional(z.string()) });

/** A number with at least one source; `note` says how it was read or derived. */
const sourced = (sources: z.ZodMiniType<Source[]> = z.array(sourceSchema).check(z.minLength(1))) =>
  z.strictObject({ value: positive, sources, note: z.optional(text) }) as z.ZodMiniType<SourcedNumber>;
const sourcedNumber = sourced();
/** The CPU host's unused interconnect figure has no source: its note says why it is not used. */
const unusedLink = z.strictObject({
  value: positive,
  sources: z.array(sourceSchema),
  note: text,
});

const interconnect = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("nvlink"),
    gen: z.int().check(z.positive()),
    gbsUnidirectional: sourcedNumber,
  }),
  z.strictObject({ kind: z.literal("infinity-fabric"), gbsUnidirectional: sourcedNumber }),
  z.strictObject({
    kind: z.literal("pcie"),
    gen: z.int().check(z.positive()),
    gbsUnidirectional: z.union([sourcedNumber, unusedLink]),
  }),
  z.strictObject({ kind: z.literal("scale-out-ethernet"), gbsUnidirectional: sourcedNumber }),
]);

const memoryBasis = z.enum(["cuda", "rocm", "hpu", "nvidia-smi", "rocm-smi", "marketed", "host"]);

const sellerKind = z.enum(["hyperscaler", "gpu-cloud", "marketplace", "unknown"]);

const price = z.strictObject({
  provider: text,
  usdPerGpuHour: positive,
  basis: z.string(),
  kind: sellerKind,
  date,
  source: sourceSchema,
});

export const deviceSchema: z.ZodMiniType<DeviceEntry> = z.strictObject({
  id,
  aliases: z.optional(z.array(id)),
  name: text,
  productName: z.optional(
    z.strictObject({ value: text, sources: z.array(sourceSchema).check(z.minLength(1)) }),
  ),
  vendor: z.enum(["NVIDIA", "AMD", "Intel"]),
  kind: z.optional(z.enum(["gpu", "cpu"])),
  architecture: text,
  segment: z.optional(z.enum(["datacenter", "workstation", "consumer"])),
  computeCapability: z.optional(positive),
  memoryMarketed: z.strictObject({
    value: positive,
    unit: z.enum(["GB", "GiB"]),
    sources: z.array(sourceSchema).check(z.minLength(1)),
  }),
  memoryBytes: z.strictObject({
    value: z.int().check(z.positive()),
    sources: z.array(sourceSchema).check(z.minLength(1)),
    note: z.optional(text),
    basis: memoryBasis,
    basisSource: z.strictObject({ url, quote: text }),
    derived: z.optional(
      z.strictObject({
        from: z.strictObject({
          value: z.int().check(z.positive()),
          basis: memoryBasis,
          source: sourceSchema,
        }),
        rule: text,
        sources: z.array(sourceSchema).check(z.minLength(1)),
      }),
    ),
  }),
  memoryBandwidthGBs: sourcedNumber,
  tflops: z.strictObject({
    fp32: z.optional(sourcedNumber),
    tf32: z.optional(sourcedNumber),
    bf16: z.optional(sourcedNumber),
    fp16: sourcedNumber,
    fp8: z.optional(sourcedNumber),
    int8: z.optional(sourcedNumber),
    int4: z.optional(sourcedNumber),
    fp4: z.optional(sourcedNumber),
  }),
  interconnect,
  tdpW: z.optional(sourcedNumber),
  prices: z.array(price),
  nativeFp8: z.boolean(),
  nativeFp4: z.boolean(),
  bf16: z.boolean(),
  note: z.optional(text),
});

export const modelSchema: z.ZodMiniType<ModelEntry> = z.strictObject({
  id,
  name: text,
  hfId: z.string().check(z.regex(/^[\w.-]+\/[\w.-]+$/, "a Hugging Face id is org/name")),
  otherHfIds: z.optional(z.array(z.string().check(z.regex(/^[\w.-]+\/[\w.-]+$/)))),
  aliases: z.optional(z.array(id)),
  note: z.optional(text),
  config: z.record(z.string(), z.unknown()),
  configSource: sourceSchema,
  publishedParams: z.strictObject({
    value: z.int().check(z.positive()),
    source: sourceSchema,
    note: z.optional(text),
    includes: z.optional(
      z.strictObject({
        mtpLayers: z.optional(z.int().check(z.positive())),
        mtpEmbeddings: z.optional(z.boolean()),
        fp8Scales: z.optional(z.boolean()),
      }),
    ),
    tolerance: z.optional(z.number().check(z.positive(), z.lte(0.001))),
  }),
  configInferred: z.optional(z.strictObject({ keys: z.array(text).check(z.minLength(1)), note: text })),
  released: z.optional(z.string().check(z.regex(/^\d{4}-\d{2}$/))),
  license: z.optional(text),
  gated: z.optional(z.strictObject({ value: z.boolean(), source: z.strictObject({ url, quote: text }) })),
  longContext: z.optional(
    z.strictObject({
      method: text,
      tokens: z.int().check(z.positive()),
      howTo: text,
      source: z.strictObject({ url, quote: z.string().check(z.minLength(1)) }),
    }),
  ),
});

const dayDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, "a date is YYYY-MM-DD"));
const nullablePositive = z.nullable(positive);

const instanceOffer: z.ZodMiniType<InstanceOffer> = z.strictObject({
  type: text,
  gpu: id,
  gpusPerInstance: z.int().check(z.positive()),
  vcpus: nullablePositive,
  ramGiB: nullablePositive,
  localDiskGB: nullablePositive,
  networkGbps: nullablePositive,
  pricing: z.enum(["on-demand", "spot"]),
  usdPerHour: positive,
  region: z.nullable(text),
  date: z.nullable(dayDate),
  source: sourceSchema,
  specsSource: z.optional(sourceSchema),
  corroboration: z.optional(z.strictObject({ url, quote: z.optional(z.string()), date: dayDate })),
  note: z.optional(text),
});

/** data/instances/<provider>.json: one provider's GPU instances. */
export const providerSchema: z.ZodMiniType<ProviderEntry> = z.strictObject({
  id,
  name: text,
  kind: z.enum(["hyperscaler", "gpu-cloud", "marketplace"]),
  note: text,
  instances: z.array(instanceOffer).check(z.minLength(1)),
});

/** data/models/aliases.json: size alias ("70b") -> catalog model id. */
export const sizeAliasesSchema = z.record(z.string().check(z.regex(/^[0-9.x]+b$/)), id);

/** One data file as read from disk: its path relative to data/ and its parsed JSON. */
export interface DataFile {
  path: string;
  json: unknown;
}

/** What src/catalog/data.ts loads, to compare with the files on disk. */
export interface LoadedCatalog {
  devices: readonly { id: string }[];
  models: readonly { id: string }[];
  sizeAliases: Record<string, string>;
  /** The instance providers src/catalog/instance-data.ts loads (data/instances/*.json). */
  providers?: readonly { id: string }[];
}

const issueLines = (path: string, error: z.core.$ZodError): string[] =>
  error.issues.map((i) => `${path}: ${i.path.length ? i.path.join(".") + ": " : ""}${i.message}`);

/**
 * Checks every catalog data file: each device and model file parses through its schema and is named
 * after its id; ids and aliases are unique across devices and across models; every size alias names a
 * model; every GPU says its segment; every instance names a catalog GPU; and the loaded catalog
 * (src/catalog/data.ts, instance-data.ts) holds exactly the files on disk, in any order.
 * Returns one line per problem ("data/devices/l4.json: memoryBytes.value: ..."); empty when all is well.
 */
export function checkCatalog(files: readonly DataFile[], loaded: LoadedCatalog): string[] {
  const problems: string[] = [];
  const deviceIds: string[] = [];
  const modelIds: string[] = [];
  const deviceNames: string[] = [];
  const modelNames: string[] = [];
  let aliases: Record<string, string> | undefined;
  const providerIds: string[] = [];
  const instanceGpus: { path: string; gpu: string }[] = [];
  for (const f of files) {
    const m = /^(devices|models|instances)\/([^/]+)\.json$/.exec(f.path);
    if (!m) {
      problems.push(
        `data/${f.path}: not a catalog file (expected devices/<id>.json, models/<id>.json or instances/<provider>.json)`,
      );
      continue;
    }
    const [, dir, base] = m;
    if (dir === "instances") {
      const r = providerSchema.safeParse(f.json);
      if (!r.success) {
        problems.push(...issueLines(`data/${f.path}`, r.error));
        continue;
      }
      if (r.data.id !== base) problems.push(`data/${f.path}: id "${r.data.id}" differs from the file name`);
      providerIds.push(r.data.id);
      for (const o of r.data.instances) instanceGpus.push({ path: `data/${f.path}: ${o.type}`, gpu: o.gpu });
      continue;
    }
    if (dir === "models" && base === "aliases") {
      const r = sizeAliasesSchema.safeParse(f.json);
      if (r.success) aliases = r.data;
      else problems.push(...issueLines(`data/${f.path}`, r.error));
      continue;
    }
    const r = dir === "devices" ? deviceSchema.safeParse(f.json) : modelSchema.safeParse(f.json);
    if (!r.success) {
      problems.push(...issueLines(`data/${f.path}`, r.error));
      continue;
    }
    if (r.data.id !== base) problems.push(`data/${f.path}: id "${r.data.id}" differs from the file name`);
    if (dir === "devices" && "memoryBytes" in r.data && r.data.kind !== "cpu" && !r.data.segment)
      problems.push(`data/${f.path}: a GPU needs its segment (datacenter, workstation or consumer)`);
    (dir === "devices" ? deviceIds : modelIds).push(r.data.id);
    (dir === "devices" ? deviceNames : modelNames).push(r.data.id, ...(r.data.aliases ?? []));
  }
  for (const [what, names] of [
    ["device", deviceNames],
    ["model", modelNames],
  ] as const) {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) problems.push(`${what} id or alias "${n}" is used twice`);
      seen.add(n);
    }
  }
  if (!aliases) problems.push("data/models/aliases.json: missing");
  for (const [size, target] of Object.entries(aliases ?? {}))
    if (!modelIds.includes(target))
      problems.push(`data/models/aliases.json: ${size} -> ${target}: no such model`);
  const sameSet = (
    what: string,
    onDisk: string[],
    inIndex: readonly { id: string }[],
    module = "src/catalog/data.ts",
  ) => {
    const listed = inIndex.map((e) => e.id);
    for (const i of onDisk)
      if (!listed.includes(i)) problems.push(`data/${what}/${i}.json is not imported by ${module}`);
    for (const i of listed)
      if (!onDisk.includes(i)) problems.push(`${module} lists ${what} "${i}" that has no valid file`);
    if (new Set(listed).size !== listed.length) problems.push(`${module} lists a ${what} twice`);
  };
  for (const i of instanceGpus)
    if (!deviceIds.includes(i.gpu)) problems.push(`${i.path}: gpu "${i.gpu}" is not a catalog device`);
  sameSet("devices", deviceIds, loaded.devices);
  if (loaded.providers) sameSet("instances", providerIds, loaded.providers, "src/catalog/instance-data.ts");
  sameSet("models", modelIds, loaded.models);
  if (aliases && JSON.stringify(aliases) !== JSON.stringify(loaded.sizeAliases))
    problems.push("src/catalog/data.ts does not load data/models/aliases.json as it is on disk");
  return problems;
}
