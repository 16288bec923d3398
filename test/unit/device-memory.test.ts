/**
 * The basis of every device's memory total (issue #15, item 1): each total says whether it is what the
 * device's runtime reports to the engine (CUDA / HIP / HPU), a management tool's figure (nvidia-smi,
 * rocm-smi) or the marketed size, and the budget every engine takes a share of is the runtime's total.
 */
import { describe, expect, it } from "vitest";
import { findGpu, gpus, models } from "../../src/catalog/index.js";
import type { DeviceEntry } from "../../src/catalog/types.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { estimate } from "../../src/sizing/estimate.js";
import { deviceData } from "../../src/catalog/data.js";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
/** What engines' budgets are a share of: the total the device's runtime reports. */
const VISIBLE = ["cuda", "rocm", "hpu"];
/** GPUs for which no device-visible total, nor a figure to derive one from, was found (data/README.md). */
const MARKETED_ONLY = ["gaudi3"];

const vllmOn = (gpu: DeviceEntry) => {
  const e = models.find((m) => m.id === "qwen2.5-0.5b") ?? models.find((m) => m.id === "llama-3.1-8b")!;
  const model = { id: e.id, name: e.name, hfId: e.hfId, arch: parseHfConfig(e.config, e.id) };
  return estimate({
    model: { ...model, resolvedFrom: e.id, source: null },
    engine: "vllm",
    gpu,
    gpus: 1,
    tp: 1,
    pp: 1,
    maxModelLen: 4096,
    kvCacheDtype: "auto",
    concurrency: 1,
    catalog: gpus,
    workload: { inputTokens: 1, outputTokens: 1, requestRate: null },
  });
};

describe("the basis of each device's memory total", () => {
  it("every device states its basis, with the quote that shows it", () => {
    for (const d of deviceData as readonly DeviceEntry[]) {
      const m = d.memoryBytes;
      expect(m.basis, d.id).toBeDefined();
      expect(m.basisSource.url, d.id).toMatch(/^https:\/\//);
      expect(m.basisSource.quote.length, d.id).toBeGreaterThan(10);
    }
  });

  it("every GPU's total is the device-visible one, except the few with nothing to go on", () => {
    const notVisible = gpus.filter((g) => !VISIBLE.includes(g.memoryBytes.basis)).map((g) => g.id);
    expect(notVisible.sort()).toEqual([...MARKETED_ONLY].sort());
    for (const id of MARKETED_ONLY) expect(findGpu(id).memoryBytes.basis, id).toBe("marketed");
    // no GPU is left on a management tool's figure
    expect(gpus.filter((g) => /smi$/.test(g.memoryBytes.basis)).map((g) => g.id)).toEqual([]);
    // NVIDIA GPUs report to CUDA, AMD ones to HIP, Intel Gaudi to the HPU runtime
    const runtimeOf: Record<string, string> = { AMD: "rocm", Intel: "hpu" };
    for (const g of gpus.filter((x) => VISIBLE.includes(x.memoryBytes.basis)))
      expect(g.memoryBytes.basis, g.id).toBe(runtimeOf[g.vendor] ?? "cuda");
  });

  it("a derived total says what it came from, and the reserve it takes off is a measured one's size", () => {
    const derived = gpus.filter((g) => g.memoryBytes.derived);
    // the 12 GPUs whose device-visible total is worked out rather than published
    expect(derived.map((g) => g.id).sort()).toEqual(
      [
        "a10g",
        "b300",
        "gb200",
        "h100-pcie",
        "h20-141g",
        "l20",
        "l40",
        "mi300x",
        "mi355x",
        "rtx-4080",
        "rtx-6000-ada",
        "v100",
      ].sort(),
    );
    for (const g of derived) {
      const d = g.memoryBytes.derived!;
      expect(d.from.basis, g.id).not.toBe(g.memoryBytes.basis);
      expect(d.sources.length, g.id).toBeGreaterThan(0);
      const reserve = d.from.value - g.memoryBytes.value;
      // NVIDIA: nvidia-smi reads 240-730 MiB above CUDA on the GPUs where both are published;
      // AMD: rocm-smi's and HIP's totals agree (0), the marketed GiB is 16 MiB above them.
      if (g.vendor === "NVIDIA") {
        expect(reserve / MiB, g.id).toBeGreaterThanOrEqual(240);
        expect(reserve / MiB, g.id).toBeLessThanOrEqual(730);
      } else expect([0, 16 * MiB], g.id).toContain(reserve);
    }
  });

  it("worked by hand: the derived totals from their family's measured reserve", () => {
    // A10G: the A10 reads 23028 MiB in nvidia-smi and 23,595,909,120 B (deviceQuery) to CUDA; the A10G
    // reads the same 23028 MiB, so it gets the same 23,595,909,120 B.
    expect(findGpu("a10g").memoryBytes.value).toBe(23_595_909_120);
    expect(findGpu("a10g").memoryBytes.value).toBe(findGpu("a10").memoryBytes.value);
    // L40S: vLLM logs total_gpu_memory (44.31GiB) = round(44.31 × 2^30) = 47,577,500,221 B; the L40 and
    // L20 (nvidia-smi 46068 MiB, as the L40S) get the same; the RTX 6000 Ada: 49140 MiB less the L40S's
    // reserve 46068 × 2^20 − 47,577,500,221 = 728,298,947 B (694.6 MiB): 51,527,024,640 − 728,298,947
    // = 50,798,725,693 B.
    expect(findGpu("l40s").memoryBytes.value).toBe(47_577_500_221);
    expect(findGpu("l40").memoryBytes.value).toBe(47_577_500_221);
    expect(findGpu("l20").memoryBytes.value).toBe(47_577_500_221);
    expect(findGpu("rtx-6000-ada").memoryBytes.value).toBe(49140 * MiB - (46068 * MiB - 47_577_500_221));
    expect(findGpu("rtx-6000-ada").memoryBytes.value).toBe(50_798_725_693);
    // V100 32 GB: 32768 MiB (nvidia-smi) − 240 MiB (16 GB V100: 16384 − 16144) = 32528 MiB.
    expect(findGpu("v100").memoryBytes.value).toBe(32528 * MiB);
    // MI355X: 288 GiB − 16 MiB = 309,220,868,096 B.
    expect(findGpu("mi355x").memoryBytes.value).toBe(309_220_868_096);
    // RTX 4080: 16376 MiB (nvidia-smi, the 4080 SUPER's AD103 16 GB) less the RTX 4090's reserve,
    // 24564 MiB − round(23.6 × 2^30) = 25,757,220,864 − 25,340,307,046 = 416,913,818 B (397.6 MiB):
    // 17,171,480,576 − 416,913,818 = 16,754,566,758 B (15.60 GiB).
    const reserve4090 = 24564 * MiB - findGpu("rtx-4090").memoryBytes.value;
    expect(reserve4090).toBe(416_913_818);
    expect(findGpu("rtx-4080").memoryBytes.value).toBe(16376 * MiB - reserve4090);
    expect(findGpu("rtx-4080").memoryBytes.value).toBe(16_754_566_758);
  });

  it("worked by hand: the totals read from rounded runtime logs (H20 96 GB, Gaudi 2)", () => {
    // H20 96 GB: torch's "total capacity of 95.00 GiB" = round(95.00 × 2^30) = 102,005,473,280 B
    // (97280 MiB), 591 MiB under the 97871 MiB nvidia-smi shows on the GH200 96 GB with the same total.
    expect(findGpu("h20").memoryBytes.value).toBe(102_005_473_280);
    expect(97871 - findGpu("h20").memoryBytes.value / MiB).toBe(591);
    // Gaudi 2: vLLM-HPU's "X GiB/94.62 GiB used" (torch.hpu.mem_get_info()[1]) =
    // round(94.62 × 2^30) = 101,597,451,387 B, 96 GiB − 94.62 GiB ≈ 1413 MiB under hl-smi's 98304 MiB.
    const gaudi2 = findGpu("gaudi2").memoryBytes;
    expect(gaudi2.basis).toBe("hpu");
    expect(gaudi2.value).toBe(101_597_451_387);
    expect(Math.round(98304 - gaudi2.value / MiB)).toBe(1413);
    // each is below its marketed size read as GiB, the figure it replaced
    expect(findGpu("h20").memoryBytes.value).toBeLessThan(96 * GiB);
    expect(gaudi2.value).toBeLessThan(96 * GiB);
  });

  it("vLLM's budget is gpu_memory_utilization × the device-visible total on every GPU it runs on", () => {
    let checked = 0;
    for (const g of gpus) {
      const r = vllmOn(g);
      const p = r.placement;
      if (!p) continue; // a GPU vLLM's pinned image does not run on
      expect(p.perGpu.totalBytes, g.id).toBe(g.memoryBytes.value);
      const util = p.engineSettings.gpuMemoryUtilization;
      expect(p.perGpu.budgetBytes, g.id).toBe(Math.floor(util * g.memoryBytes.value));
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(25);
  });

  it("worked by hand: the H100 PCIe's budget is 0.92 × CUDA's 79.22 GiB, not nvidia-smi's 81559 MiB", () => {
    // 0.92 × round(79.22 × 2^30) = 0.92 × 85,061,827,297 = 78,256,881,113.24 → 78,256,881,113 B;
    // on nvidia-smi's 81559 MiB it would have been 0.92 × 85,520,809,984 = 78,679,145,185 B (+0.39 GiB).
    const p = vllmOn(findGpu("h100-pcie")).placement!;
    expect(p.engineSettings.gpuMemoryUtilization).toBe(0.92);
    expect(p.perGpu.budgetBytes).toBe(78_256_881_113);
    expect((78_679_145_185 - p.perGpu.budgetBytes) / GiB).toBeCloseTo(0.39, 2);
  });
});
