/** `llmdeploy models` and `llmdeploy gpus`: the catalogs as tables or JSON arrays. */
import { devices, models, SIZE_ALIASES } from "../catalog/index.js";
import { defaultGpuPrice } from "../catalog/prices.js";
import { parseHfConfig } from "../models/hfconfig.js";
import { countParams } from "../sizing/inventory.js";
import { c, out, params, printJson } from "./output.js";
import { renderTable } from "./table.js";

export function collectModels() {
  const sizeOf = new Map<string, string[]>();
  for (const [size, id] of Object.entries(SIZE_ALIASES)) sizeOf.set(id, [...(sizeOf.get(id) ?? []), size]);
  return models.map((m) => {
    const arch = parseHfConfig(m.config, m.id);
    const n = countParams(arch);
    return {
      id: m.id,
      name: m.name,
      hfId: m.hfId,
      aliases: [...(sizeOf.get(m.id) ?? []), ...(m.aliases ?? [])],
      modelType: arch.modelType,
      params: n.total,
      activeParams: n.active,
      contextLength: arch.maxPositionEmbeddings,
      dtype: arch.dtype,
      quantization: arch.quantization?.method ?? null,
      source: m.configSource.url,
    };
  });
}

export function runModels(opts: { json?: boolean }): void {
  const list = collectModels();
  if (opts.json) return printJson(list);
  const head = ["id", "name", "params", "active", "context", "aliases"].map((h) => c.bold(h));
  const rows: string[][] = [];
  for (const m of list) {
    rows.push([
      m.id,
      m.name,
      params(m.params),
      m.activeParams !== m.params ? params(m.activeParams) : "",
      String(m.contextLength),
      m.aliases.join(" "),
    ]);
  }
  out(renderTable(head, rows));
}

export function collectGpus() {
  return devices.map((g) => {
    const p = defaultGpuPrice(g);
    return {
      id: g.id,
      name: g.name,
      kind: g.kind ?? "gpu",
      aliases: g.aliases ?? [],
      vendor: g.vendor,
      memoryMarketed: `${g.memoryMarketed.value} ${g.memoryMarketed.unit}`,
      memoryBytes: g.memoryBytes.value,
      memoryBytesSource: g.memoryBytes.sources[0]?.url ?? null,
      memoryBytesNote: g.memoryBytes.note ?? null,
      /** What memoryBytes is (cuda, rocm, hpu, marketed ...), and whether it was derived from another figure. */
      memoryBasis: g.memoryBytes.basis,
      memoryDerived: g.memoryBytes.derived !== undefined,
      memoryBandwidthGBs: g.memoryBandwidthGBs.value,
      bf16Tflops: (g.tflops.bf16 ?? g.tflops.fp16).value,
      fp8Tflops: g.tflops.fp8?.value ?? null,
      interconnect: g.interconnect.kind,
      interconnectGBs: g.interconnect.gbsUnidirectional.value,
      segment: g.segment ?? null,
      /** What plans charge per GPU-hour by default: the cheapest AWS, Google Cloud or Azure on-demand offer. */
      usdPerHour: p?.usdPerGpuHour ?? null,
      priceSource: p?.basis ?? null,
      /** Every listed price, with the kind of seller (marketplace floors are never a default). */
      prices: g.prices.map((x) => ({
        provider: x.provider,
        usdPerGpuHour: x.usdPerGpuHour,
        basis: x.basis,
        kind: x.kind,
        date: x.date,
        source: x.source.url,
      })),
    };
  });
}

export function runGpus(opts: { json?: boolean }): void {
  const list = collectGpus();
  if (opts.json) return printJson(list);
  const head = [
    "id",
    "name",
    "marketed",
    "GiB (driver)",
    "GB/s",
    "BF16 TFLOPS",
    "FP8",
    "link",
    "$/GPU-h",
  ].map((h) => c.bold(h));
  const rows: string[][] = [];
  for (const g of list) {
    rows.push([
      g.id,
      g.kind === "cpu"
        ? `${g.name} (cpu)`
        : g.segment && g.segment !== "datacenter"
          ? `${g.name} (${g.segment})`
          : g.name,
      g.memoryMarketed,
      (g.memoryBytes / 1024 ** 3).toFixed(2),
      String(g.memoryBandwidthGBs),
      String(g.bf16Tflops),
      g.fp8Tflops === null ? "-" : String(g.fp8Tflops),
      `${g.interconnect} ${g.interconnectGBs} GB/s`,
      g.usdPerHour === null ? "-" : g.usdPerHour.toFixed(2),
    ]);
  }
  out(renderTable(head, rows));
  out(
    c.dim(
      "marketed: the vendor's size (GB = 10^9 bytes). GiB (driver): total memory as the driver exposes it to CUDA " +
        "(torch.cuda.mem_get_info, vLLM's total_gpu_memory; GiB = 1024^3 bytes), the figure sizing takes " +
        "--gpu-memory-utilization of; `llmdeploy gpus --json` has each figure's source.",
    ),
  );
  out(c.dim("kind cpu: a CPU host for --engine llamacpp / ollama (TFLOPS: the cores' vector FMA rate)."));
  out(
    c.dim(
      "$/GPU-h: the cheapest on-demand offer of AWS, Google Cloud or Azure per GPU-hour (data/instances/); " +
        "- when none rents the GPU. consumer/workstation: planned only when named or with --allow-consumer-gpus.",
    ),
  );
}
