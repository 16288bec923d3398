// Providers and instances, datacenter defaults, hardware limits, long prompts, targets with margin and
// load in users (issue #17): each step on its own, then the planner in-process.
import { describe, expect, it } from "vitest";
import { devices, findGpu, gpus, models } from "../../src/catalog/index.js";
import {
  cheapestPerGpu,
  majorCloudPrice,
  offersFor,
  providers,
  spotPrices,
} from "../../src/catalog/instances.js";
import { defaultGpuPrice } from "../../src/catalog/prices.js";
import type { Performance, PlanSpec } from "../../src/contract/plan.js";
import { normalizeSpec, type SpecInput } from "../../src/contract/spec.js";
import { engineModule, engineModules } from "../../src/engines/index.js";
import { imageProblem } from "../../src/engines/hardware.js";
import { VLLM_OTHER_VENDORS } from "../../src/engines/vllm.js";
import { hfEngineSupport } from "../../src/engines/common.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { screenDevices, SupportLog } from "../../src/planner/devices.js";
import { planDeployment } from "../../src/planner/index.js";
import { DEFAULT_PRICING, gpuPrice, priceDeployment } from "../../src/planner/pricing.js";
import { billInstances, instancesNeeded } from "../../src/planner/providers.js";
import { targetChecks } from "../../src/planner/targets.js";
import type { UserError } from "../../src/errors.js";
import { contextProblem, defaultMaxModelLen } from "../../src/sizing/context.js";
import { estimate } from "../../src/sizing/estimate.js";
import { userLoad } from "../../src/sizing/users.js";
import { lookupPrecision } from "../../src/sizing/weights.js";

const entry = (id: string) => models.find((m) => m.id === id)!;
const arch = (id: string) => parseHfConfig(entry(id).config, id);

describe("instance catalog", () => {
  it("covers AWS, Google Cloud, Azure and at least two GPU clouds; every offer sourced, dated or saying why not", () => {
    const ids = providers.map((p) => p.id);
    for (const id of ["aws", "gcp", "azure"]) expect(ids).toContain(id);
    expect(
      ids.filter((id) => ["lambda", "coreweave", "runpod", "nebius", "oci"].includes(id)).length,
    ).toBeGreaterThanOrEqual(2);
    for (const p of providers) {
      expect(
        p.instances.some((o) => o.pricing === "on-demand"),
        p.id,
      ).toBe(true);
      for (const o of p.instances) {
        expect(o.source.url, `${p.id} ${o.type}`).toMatch(/^https:\/\//);
        if (o.date === null) expect(o.note, `${p.id} ${o.type}`).toMatch(/date: undated/);
        expect(devices.some((d) => d.id === o.gpu)).toBe(true);
      }
    }
    expect(providers.find((p) => p.id === "runpod-community")!.kind).toBe("marketplace");
  });

  it("the default price is the cheapest per-GPU-hour on-demand offer of AWS, Google Cloud and Azure", () => {
    // L40S: AWS g6e.xlarge $1.861 for 1 GPU, against g6e.12xlarge 10.49264 / 4 = 2.623 and
    // g6e.48xlarge 30.13118 / 8 = 3.766; neither Google Cloud nor Azure rents L40S in the catalog.
    expect(majorCloudPrice("l40s")).toMatchObject({ provider: "aws", type: "g6e.xlarge", usdPerHour: 1.861 });
    // H100 SXM: p5.4xlarge 6.88 / 1 = p5.48xlarge 55.04 / 8 = 6.88 (the 1-GPU type on a tie), below
    // Google Cloud a3-highgpu-1g 11.06 and Azure ND96isr H100 v5 98.32 / 8 = 12.29.
    expect(majorCloudPrice("h100-sxm")).toMatchObject({ type: "p5.4xlarge" });
    const p = defaultGpuPrice(findGpu("l40s"))!;
    expect(p.usdPerGpuHour).toBe(1.861);
    expect(p.basis).toMatch(
      /^AWS g6e\.xlarge on-demand, us-east-1, 2026-01-21: .*cheapest per GPU-hour among AWS, Google Cloud, Azure on-demand/,
    );
  });

  it("marketplace floors never price a plan by default; they do under --pricing spot", () => {
    // The RTX 3090's only prices are Akash's marketplace floor ($0.16) and a seller of unknown kind.
    const g = findGpu("rtx-3090");
    expect(defaultGpuPrice(g)).toBeNull();
    const spec = { gpuPurchaseUsd: {}, amortizationMonths: 36 } as const;
    expect(gpuPrice(g, { ...spec, pricing: "cloud" })).toBeNull();
    expect(gpuPrice(g, { ...spec, pricing: "spot" })).toMatchObject({ usd: 0.16 });
    expect(spotPrices(g)[0]!.label).toMatch(/Akash .*marketplace/);
    // H100 SXM has RunPod Community (a marketplace) at 2.69 and AWS spot; spot takes the cheapest.
    expect(spotPrices(findGpu("h100-sxm"))[0]!.usd).toBeLessThan(2.69 + 1e-9);
  });

  it("a provider's offers only: Lambda rents no L40S, AWS no H100 PCIe", () => {
    expect(offersFor("l40s", "on-demand", ["lambda"])).toEqual([]);
    expect(offersFor("h100-pcie", "on-demand", ["aws"])).toEqual([]);
    expect(cheapestPerGpu(offersFor("h100-pcie", "on-demand", ["lambda"]))).toMatchObject({
      usdPerHour: 3.29,
    });
  });
});

describe("one price for plan and estimate: whole instances (priceDeployment)", () => {
  const est = (gpu: string, n: number) =>
    estimate({
      model: {
        id: "llama-3.3-70b",
        name: "Llama 3.3 70B",
        hfId: null,
        arch: arch("llama-3.3-70b"),
        resolvedFrom: "test",
        source: null,
      },
      precision: "int4",
      kvCacheDtype: "auto",
      concurrency: 1,
      catalog: gpus,
      gpu: findGpu(gpu),
      gpus: n,
    }).placement!;

  it("2× H100 (TP 2, one node) is the 2-GPU instance that holds them, not 2 × the 1-GPU share", () => {
    // Was 2 × $6.88 (AWS p5.4xlarge, 1 GPU) = $13.76: two 1-GPU instances cannot hold one TP-2 node.
    // The instances with 2+ H100s: Google Cloud a3-highgpu-2g $22.1225 (2 GPUs), a3-highgpu-4g
    // $44.245, a3-highgpu-8g $88.49, AWS p5.48xlarge $55.04, Azure ND96isr H100 v5 $98.32 (8 each):
    // the cheapest is a3-highgpu-2g, $22.12/h.
    const p = est("h100", 2);
    expect(p.costPerHourUsd).toBe(22.12);
    expect(p.instance).toMatchObject({ provider: "gcp", type: "a3-highgpu-2g", count: 1, unusedGpus: 0 });
    expect(p.priceSource).toMatch(/^1× a3-highgpu-2g \(2 GPUs, \$22\.12\/h each, Google Cloud on-demand/);
  });

  it("1× H200 rents a whole 8-GPU instance where no smaller one is offered, and says so", () => {
    // The major clouds rent H200 only in 8-GPU instances; the cheapest holds the one GPU with 7 unused.
    const p = est("h200", 1);
    expect(p.instance).toMatchObject({ gpusPerInstance: 8, count: 1, unusedGpus: 7 });
    expect(p.costPerHourUsd).toBe(Math.round(p.instance!.usdPerHour * 100) / 100);
  });

  it("estimate and plan charge the same for the same shape: both call priceDeployment", () => {
    const p = est("h100", 2);
    const shape = { gpusPerNode: 2, nodes: 1, replicas: 1 };
    const direct = priceDeployment(gpuPrice(findGpu("h100"), DEFAULT_PRICING), shape);
    expect(direct.instance!.type).toBe(p.instance!.type);
    expect(Math.round(direct.hourly! * 100) / 100).toBe(p.costPerHourUsd);
  });

  it("a per-GPU price (on-prem, --gpu-price) is that price × the GPUs; no price is no price", () => {
    const shape = { gpusPerNode: 4, nodes: 2, replicas: 1 };
    expect(priceDeployment({ usd: 1.5, basis: "given", purchase: null }, shape)).toEqual({
      hourly: 12,
      instance: null,
      basis: "given",
    });
    expect(priceDeployment(null, shape).hourly).toBeNull();
  });
});

describe("--pricing spot rents whole instances too", () => {
  const spot = { ...DEFAULT_PRICING, pricing: "spot" as const };

  it("1 A100 40GB is a 1-GPU spot instance, not 1/8 of an 8-GPU one", () => {
    // Was $0.37/h: Azure Standard_ND96asr_v4 spot $2.99167 for 8 GPUs, ÷ 8, billed for one GPU.
    // Whole spot instances holding one A100 40GB: Google Cloud a2-highgpu-1g $1.92802, Azure
    // ND96asr_v4 $2.99167, AWS p4d.24xlarge $6.289: the cheapest is a2-highgpu-1g.
    const one = priceDeployment(gpuPrice(findGpu("a100-40g"), spot), {
      gpusPerNode: 1,
      nodes: 1,
      replicas: 1,
    });
    expect(one.instance).toMatchObject({ provider: "gcp", type: "a2-highgpu-1g", pricing: "spot" });
    expect(one.hourly).toBeCloseTo(1.92802, 3); // billInstances rounds to 1e-4 $
    // 8 of them fill the Azure instance: $2.99167 for all 8 (8 replicas of 1 GPU share it).
    const eight = priceDeployment(gpuPrice(findGpu("a100-40g"), spot), {
      gpusPerNode: 1,
      nodes: 1,
      replicas: 8,
    });
    expect(eight.instance).toMatchObject({ type: "Standard_ND96asr_v4", count: 1, unusedGpus: 0 });
  });

  it("a marketplace floor per GPU (Akash) prices 1-GPU nodes only", () => {
    // RTX 3090: Akash's "starting at" $0.16 per GPU, no multi-GPU lease priced in the catalog.
    const price = gpuPrice(findGpu("rtx-3090"), spot)!;
    expect(priceDeployment(price, { gpusPerNode: 1, nodes: 1, replicas: 3 }).hourly).toBeCloseTo(0.48, 10);
    const two = priceDeployment(price, { gpusPerNode: 2, nodes: 1, replicas: 1 });
    expect(two.hourly).toBeNull();
    expect(two.basis).toMatch(/no instance offered holds 2 GPUs on one node \(the largest has 1\)/);
  });
});

describe("billing in whole instances", () => {
  it("counts instances: replicas share an instance when it holds several, a multi-node replica takes one per node", () => {
    expect(instancesNeeded(8, { gpusPerNode: 2, nodes: 1, replicas: 3 })).toBe(1); // 4 fit an 8-GPU instance
    expect(instancesNeeded(4, { gpusPerNode: 2, nodes: 1, replicas: 3 })).toBe(2); // 2 per instance
    expect(instancesNeeded(8, { gpusPerNode: 8, nodes: 2, replicas: 1 })).toBe(2);
    expect(instancesNeeded(1, { gpusPerNode: 2, nodes: 1, replicas: 1 })).toBeNull();
  });

  it("3 replicas of 2 L40S on AWS: 2× g6e.12xlarge ($10.49264 each, 2 GPUs unused), not one g6e.48xlarge ($30.13)", () => {
    // g6e.12xlarge: 4 GPUs → 2 replicas each → 2 instances = 20.98528; g6e.24xlarge 2 × 15.06559 = 30.13;
    // g6e.48xlarge: 8 GPUs → 1 instance = 30.13118; the 1-GPU types cannot hold a 2-GPU node.
    const b = billInstances(offersFor("l40s", "on-demand", ["aws"]), {
      gpusPerNode: 2,
      nodes: 1,
      replicas: 3,
    })!;
    expect(b.instance).toMatchObject({ type: "g6e.12xlarge", count: 2, unusedGpus: 2, provider: "aws" });
    expect(b.hourly).toBeCloseTo(2 * 10.49264, 4);
  });

  it("passes over instance types without the vCPUs and RAM a node needs", () => {
    // One L40S node needing 8 cores and 48 GiB: g6e.xlarge (4 vCPUs, 32 GiB, $1.861) is too small,
    // g6e.2xlarge (8 vCPUs, 64 GiB, $2.24208) is the cheapest that holds it.
    const offers = offersFor("l40s", "on-demand", ["aws"]);
    const shape = { gpusPerNode: 1, nodes: 1, replicas: 1 };
    expect(billInstances(offers, shape)!.instance.type).toBe("g6e.xlarge");
    const b = billInstances(offers, { ...shape, host: { cpuCores: 8, ramGiB: 48 } })!;
    expect(b.instance).toMatchObject({ type: "g6e.2xlarge", hostShortfall: null });
    // When no type is big enough, the cheapest is taken and the shortfall said.
    const huge = billInstances(offers, { ...shape, host: { cpuCores: 4096, ramGiB: 8 } })!;
    expect(huge.instance.hostShortfall).toMatch(/g6e\.xlarge has 4 vCPUs \(needs 4096\)/);
  });
});

describe("hardware support", () => {
  const bf16 = lookupPrecision("bf16")!;
  const awq = lookupPrecision("int4")!;
  it("the CUDA 13 vLLM image refuses Volta and names why; Turing and later run", () => {
    expect(imageProblem(engineModule("vllm"), VLLM_OTHER_VENDORS, findGpu("v100"))).toBe(
      "NVIDIA V100 SXM2 32GB (sm70): the pinned vLLM 0.28.0 image (vllm/vllm-openai:v0.28.0) is built for CUDA 13.0 and runs on compute capability 7.5 and later",
    );
    expect(engineModule("vllm").supportProblem(findGpu("t4"), bf16)).toBeNull();
    expect(engineModule("sglang").supportProblem(findGpu("v100"), bf16)).toMatch(/CUDA 13\.0/);
  });
  it("TensorRT-LLM starts at Ampere; AMD GPUs need a ROCm build; Gaudi a Gaudi build", () => {
    expect(engineModule("trtllm").supportProblem(findGpu("t4"), bf16)).toMatch(
      /sm75.*runs on compute capability 8 and later/,
    );
    expect(engineModule("trtllm").supportProblem(findGpu("a100"), bf16)).toBeNull();
    expect(engineModule("vllm").supportProblem(findGpu("mi300x"), bf16)).toMatch(
      /ROCm build.*rocm\/vllm.*CUDA build/,
    );
    expect(engineModule("trtllm").supportProblem(findGpu("mi300x"), bf16)).toMatch(/no build for AMD/);
    expect(engineModule("vllm").supportProblem(findGpu("gaudi2"), bf16)).toMatch(/vLLM-Gaudi/);
    expect(engineModule("ollama").supportProblem(findGpu("mi300x"), lookupPrecision("q4_k_m")!)).toMatch(
      /ollama\/ollama:rocm/,
    );
  });
  it("precision kernels: AWQ and INT8 W8A8 from Turing, FP8 and MXFP4 from Ampere (the kernels alone, before any image's limit)", () => {
    const tgi = { supportProblem: hfEngineSupport };
    // TGI's image itself is built for sm80+ (TORCH_CUDA_ARCH_LIST "8.0;8.6;9.0+PTX")
    expect(engineModule("tgi").supportProblem(findGpu("v100"), bf16)).toMatch(
      /sm70\): the pinned TGI 3\.3\.7 image .* CUDA 12\.4 and runs on compute capability 8 and later/,
    );
    expect(tgi.supportProblem(findGpu("v100"), awq)).toMatch(/AWQ kernels need compute capability 7\.5\+/);
    expect(tgi.supportProblem(findGpu("v100"), lookupPrecision("int8")!)).toMatch(/INT8 W8A8/);
    expect(tgi.supportProblem(findGpu("t4"), lookupPrecision("fp8")!)).toMatch(/8\.9\+ for FP8 W8A8/);
    expect(tgi.supportProblem(findGpu("t4"), awq)).toBeNull();
    expect(tgi.supportProblem(findGpu("v100"), lookupPrecision("gptq")!)).toBeNull();
  });
});

describe("long prompts", () => {
  it("the default max model len: the larger of 8192 and input + output, in blocks of 16, within the context", () => {
    expect(defaultMaxModelLen(131072, 20000, 2000)).toBe(22000); // 22000 = 1375 × 16
    expect(defaultMaxModelLen(131072, 20001, 2000)).toBe(22016); // 22001 rounds up to 1376 × 16
    expect(defaultMaxModelLen(131072, 1024, 256)).toBe(8192);
    expect(defaultMaxModelLen(4096, 100, 100)).toBe(4096);
    expect(defaultMaxModelLen(32768, 30000, 4000)).toBe(32768);
  });
  it("a request beyond the context names the model's RoPE scaling option (Qwen2.5: YaRN, from its card)", () => {
    const q = entry("qwen2.5-7b");
    const e = contextProblem(
      { id: q.id, name: q.name, context: 32768, longContext: q.longContext },
      32768,
      30000,
      4000,
    )!;
    expect(e.message).toBe(
      "a request of 30000 input + 4000 output tokens (34000) exceeds qwen2.5-7b's context of 32768 tokens",
    );
    expect(e.hint).toMatch(/reaches 131072 tokens with YaRN: add "rope_scaling"/);
    expect(e.hint).toContain("https://huggingface.co/Qwen/Qwen2.5-7B-Instruct#processing-long-texts");
    const l = entry("llama-3.1-8b");
    expect(contextProblem({ id: l.id, name: l.name, context: 131072 }, 140000, 100, 100)!.hint).toBe(
      "use --max-model-len 131072 or less",
    );
  });
  it("normalizeSpec: 20000 + 2000 tokens on Llama 3.1 8B give max model len 22000", () => {
    const s = normalizeSpec(
      { model: "8b", inputTokens: 20000, outputTokens: 2000 },
      { id: "llama-3.1-8b", context: 131072 },
    );
    expect(s.maxModelLen).toBe(22000);
  });
});

describe("targets with margin", () => {
  const perf = (tpotMs: number, band = 0.35) =>
    ({ ttftMs: 100, tpotMs, e2eLatencyMs: 5000, percentiles: null, errorBand: band }) as Performance;
  it("TPOT 48.1 ms against 50 ms with ±35 %: met at the median, not at the band's end (64.9 ms); flagged", () => {
    // pessimistic 48.1 × 1.35 = 64.935 → 64.9; margin 1 − 48.1 / 50 = 0.038
    const targets = { ttftMs: null, tpotMs: 50, e2eMs: null };
    const [median] = targetChecks({ targets, targetConfidence: "median" }, perf(48.1));
    expect(median).toEqual({
      metric: "tpot",
      targetMs: 50,
      predictedMs: 48.1,
      pessimisticMs: 64.9,
      band: 0.35,
      margin: 0.038,
      met: true,
      withinBand: true,
    });
    expect(targetChecks({ targets, targetConfidence: "band" }, perf(48.1))[0]!.met).toBe(false);
    // 37 × 1.35 = 49.95 ≤ 50: met either way, not within the band
    expect(targetChecks({ targets, targetConfidence: "band" }, perf(37))[0]).toMatchObject({
      met: true,
      withinBand: false,
    });
  });
  it("reads per-figure bands when the performance model gives them", () => {
    const p = { ...perf(40), errorBandTpot: 0.1 } as Performance;
    expect(
      targetChecks({ targets: { ttftMs: null, tpotMs: 50, e2eMs: null }, targetConfidence: "band" }, p)[0],
    ).toMatchObject({
      band: 0.1,
      pessimisticMs: 44,
      met: true,
    });
  });
});

describe("load in users", () => {
  it("think time: users / think time (Little's law, response time left out); per minute: users × r / 60", () => {
    expect(userLoad(200, 30, undefined).requestRate).toBeCloseTo(200 / 30, 12);
    expect(userLoad(200, 30, undefined).formula).toMatch(
      /^200 users ÷ 30 s think time = 6\.67 requests\/s \(Little's law/,
    );
    expect(userLoad(200, undefined, 2)).toMatchObject({
      requestRate: (200 * 2) / 60,
      thinkTimeSeconds: null,
    });
    expect(() => userLoad(200, undefined, undefined)).toThrow(
      /--think-time SECONDS or --requests-per-user-per-minute/,
    );
    expect(() => userLoad(200, 30, 2)).toThrow(/one of them/);
  });
  it("the spec converts users to a request rate and refuses a second way of giving the load", () => {
    const ctx = { id: "m", context: 131072 };
    expect(normalizeSpec({ model: "m", users: 300, thinkTimeSeconds: 20 }, ctx)).toMatchObject({
      concurrency: null,
      requestRate: 15,
      load: { users: 300, thinkTimeSeconds: 20 },
    });
    expect(() => normalizeSpec({ model: "m", users: 3, thinkTimeSeconds: 2, concurrency: 4 }, ctx)).toThrow(
      /one way/,
    );
    expect(() => normalizeSpec({ model: "m", thinkTimeSeconds: 2 }, ctx)).toThrow(/give the number of users/);
  });
});

describe("which GPUs a plan may use", () => {
  const base = {
    gpus: [] as string[],
    gpuPurchaseUsd: {},
    amortizationMonths: 36,
    pricing: "cloud" as const,
  };
  it("datacenter GPUs by default; GeForce and workstation cards when named or allowed", () => {
    const r = screenDevices(devices, { ...base, allowConsumerGpus: false });
    expect(r.devices.map((d) => d.id)).not.toContain("rtx-4090");
    expect(r.devices.map((d) => d.id)).not.toContain("rtx-a6000");
    expect(r.devices.map((d) => d.id)).toContain("l40s");
    expect(r.notes[0]).toMatch(/datacenter GPUs only: .*rtx-4090.*--allow-consumer-gpus/);
    expect(screenDevices(devices, { ...base, allowConsumerGpus: true }).devices.map((d) => d.id)).toContain(
      "rtx-4090",
    );
    const named = [findGpu("rtx-4090")];
    expect(screenDevices(named, { ...base, gpus: ["rtx-4090"], allowConsumerGpus: false }).devices).toEqual(
      named,
    );
  });
  it("a provider keeps its own GPUs, and refuses when it rents none of the named ones", () => {
    const r = screenDevices(devices, { ...base, allowConsumerGpus: false, provider: "aws" });
    expect(new Set(r.devices.map((d) => d.id))).toEqual(
      new Set(["h100-sxm", "h200", "a100-40g", "a100-80g", "b200", "b300", "l40s", "l4", "a10g", "t4"]),
    );
    expect(() =>
      screenDevices([findGpu("h100-pcie")], {
        ...base,
        gpus: ["h100-pcie"],
        allowConsumerGpus: false,
        provider: "aws",
      }),
    ).toThrow(/AWS rents none of h100-pcie on-demand/);
  });
  it("--pricing spot with a provider without spot instances says so (was 'its GPUs: none')", () => {
    const spot = { ...base, pricing: "spot" as const, allowConsumerGpus: false };
    const go = () => screenDevices(devices, { ...spot, provider: "lambda" });
    expect(go).toThrow("Lambda has no spot instances in llmdeploy's instance catalog");
    try {
      go();
    } catch (e) {
      expect((e as UserError).hint).toMatch(
        /drop --pricing spot.*aws, gcp, azure, nebius, runpod, runpod-community/,
      );
    }
    // A marketplace's own offers are market prices: RunPod Community Cloud under spot keeps its GPUs.
    expect(
      screenDevices(devices, { ...spot, provider: "runpod-community" }).devices.map((d) => d.id),
    ).toEqual(["h100-sxm", "a100-80g", "l40s"]);
  });
  it("one note per GPU type the engine cannot run, with the precisions when only some are refused", () => {
    const log = new SupportLog();
    log.refuse(findGpu("v100"), "bf16", "V100: CUDA 13");
    log.refuse(findGpu("v100"), "int4", "V100: CUDA 13");
    log.refuse(findGpu("t4"), "fp8", "fp8 needs 8.0");
    log.accept(findGpu("t4"));
    expect(log.notes()).toEqual(["v100 left out: V100: CUDA 13", "t4: fp8 not served: fp8 needs 8.0"]);
    expect(log.refusedAll([findGpu("v100")])).toBe(true);
    expect(log.refusedAll([findGpu("v100"), findGpu("t4")])).toBe(false);
  });
});

describe("the planner, in-process", () => {
  const plan = (modelId: string, over: SpecInput = {}) => {
    const a = arch(modelId);
    const e = entry(modelId);
    const spec: PlanSpec = normalizeSpec(
      { model: modelId, ...over },
      { id: modelId, context: a.maxPositionEmbeddings, longContext: e.longContext },
    );
    spec.gpus = spec.gpus.map((g) => findGpu(g).id);
    return planDeployment({
      spec,
      model: { id: modelId, name: e.name, hfId: e.hfId, arch: a, ref: e.hfId, longContext: e.longContext },
      catalog: devices,
      generatedBy: "test",
    });
  };

  it("a provider with pricing onprem (or a purchase price) is refused: a plan is priced one way", () => {
    // Was: the provider silently ignored, every GPU "no price".
    expect(() => plan("llama-3.1-8b", { provider: "aws", pricing: "onprem" })).toThrow(
      "--provider aws rents instances, and --pricing onprem prices GPUs you own",
    );
    expect(() => plan("llama-3.1-8b", { provider: "aws", gpuPurchaseUsd: { "h100-sxm": 20000 } })).toThrow(
      /--gpu-purchase prices GPUs you own/,
    );
  });

  it("70B bf16 on RunPod Community's 1-GPU pods: the instances are named as the limit, not the GPU count", () => {
    // Was "llama-3.3-70b does not fit on 64 or fewer of h100-sxm, a100-80g, l40s": 141 GB of bf16
    // weights need 2+ GPUs on one node, and the catalog prices Community Cloud pods of 1 GPU.
    expect(() => plan("llama-3.3-70b", { provider: "runpod-community" })).toThrow(
      "llama-3.3-70b fits on none of the instances offered: RunPod Community Cloud rents h100-sxm, a100-80g, l40s with at most 1 GPU per instance",
    );
    // INT4 fits one 80 GB GPU, so the same provider plans it.
    expect(
      plan("llama-3.3-70b", { provider: "runpod-community", precision: "int4" }).recommendation.instance,
    ).toMatchObject({ provider: "runpod-community", gpusPerInstance: 1 });
  });

  it("8B with the defaults: a datacenter GPU, priced from a major cloud's on-demand instance, named", () => {
    const p = plan("llama-3.1-8b");
    const g = findGpu(p.recommendation.gpu);
    expect(g.segment).toBe("datacenter");
    expect(p.recommendation.instance!.provider).toMatch(/^(aws|gcp|azure)$/);
    expect(p.recommendation.cost.basis).toMatch(/(AWS|Google Cloud|Azure) on-demand/);
    expect(p.notes.join("\n")).toMatch(/cheapest instance among AWS, Google Cloud, Azure/);
    for (const d of [p.recommendation, ...p.alternatives]) expect(findGpu(d.gpu).segment).toBe("datacenter");
  });

  it("70B on AWS: an AWS instance type with its price, region, date and source", () => {
    const p = plan("llama-3.3-70b", { provider: "aws" });
    const i = p.recommendation.instance!;
    expect(i.provider).toBe("aws");
    expect(i.type).toMatch(/^(p4de?|p5e?n?|p6-b200|g6e?|g5)\./);
    expect(i.usdPerHour).toBeGreaterThan(0);
    expect(i.region).toBe("us-east-1");
    expect(i.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(i.source).toMatch(/^https:\/\//);
    // whole instances: the deployment costs count × price
    expect(p.recommendation.cost.perHourUsd).toBeCloseTo(i.count * i.usdPerHour, 2);
  });

  it("no engine's plan recommends a GPU its image cannot run", () => {
    for (const engine of ["vllm", "sglang", "trtllm", "tgi"] as const) {
      const p = plan("qwen2.5-7b", { engine, allowConsumerGpus: true });
      const m = engineModule(engine);
      for (const d of [p.recommendation, ...p.alternatives]) {
        const prec = lookupPrecision(d.precision) ?? lookupPrecision("bf16")!;
        expect(m.supportProblem(findGpu(d.gpu), prec), `${engine} ${d.gpu}`).toBeNull();
      }
    }
    expect(engineModules().length).toBe(6);
  });

  it("int4 on V100 says the real reason, not 'allow a smaller precision'", () => {
    expect(() => plan("llama-3.3-70b", { precision: ["int4"], gpus: ["v100"] })).toThrow(
      /no allowed GPU can serve llama-3\.3-70b as int4 with vLLM: NVIDIA V100 SXM2 32GB \(sm70\): .*CUDA 13\.0/,
    );
  });

  it("a named GeForce card is planned, and the plan quotes the GeForce licence's datacenter clause", () => {
    const p = plan("llama-3.1-8b", { gpus: ["rtx-4090"], gpuPrices: { "rtx-4090": 0.5 } });
    expect(p.recommendation.gpu).toBe("rtx-4090");
    expect(p.notes.join("\n")).toContain(
      'section 2.1.3, https://www.nvidia.com/en-us/drivers/geforce-license/) says "No Datacenter Deployment.',
    );
  });

  it("several replicas in one compose file: the note says how many GPUs the host needs", () => {
    const p = plan("llama-3.1-8b", { gpus: ["l4"], requestRate: 10 });
    const d = p.recommendation;
    expect(d.replicas).toBeGreaterThan(1);
    expect(p.notes.join("\n")).toContain(
      `compose.yaml runs all ${d.replicas} replicas on one host: it needs ${d.replicas * d.gpuCount} GPUs`,
    );
  });

  it("band confidence is the default; median flags a recommendation inside the band", () => {
    const band = plan("llama-3.1-8b", { gpus: ["l4"] });
    expect(band.spec.targetConfidence).toBe("band");
    for (const t of band.recommendation.targets!) expect(t.pessimisticMs).toBeLessThanOrEqual(t.targetMs);
    // At the median: plan once without a TPOT target, then set the target 10 % above the prediction
    // (inside the TPOT band, ±45 % for vLLM) on the same single GPU: the same deployment, now flagged.
    const one: SpecInput = { gpus: ["l4"], maxGpus: 1, concurrency: 1, targetConfidence: "median" };
    const free = plan("llama-3.1-8b", { ...one, targets: { tpotMs: "none" } });
    const x = free.recommendation.performance.tpotMs;
    const median = plan("llama-3.1-8b", { ...one, targets: { tpotMs: Math.round(x * 1.1 * 10) / 10 } });
    const tpot = median.recommendation.targets!.find((t) => t.metric === "tpot")!;
    expect(tpot).toMatchObject({ met: true, withinBand: true });
    expect(median.feasible).toBe(true);
    expect(tpot.band).toBeGreaterThan(0.1);
    expect(median.notes.join("\n")).toMatch(
      new RegExp(
        `TPOT .* is within the ±${Math.round(tpot.band * 100)} % error band of its .* target .*: it may well miss`,
      ),
    );
    // The same target under band confidence is not met by that GPU.
    const strict = plan("llama-3.1-8b", {
      ...one,
      targetConfidence: "band",
      targets: { tpotMs: Math.round(x * 1.1 * 10) / 10 },
    });
    expect(strict.feasible).toBe(false);
  });

  it("a GPU without any price stays in the results, marked, with how to add one", () => {
    const p = plan("llama-3.1-8b", { gpus: ["l40s", "l20"] });
    const l20 = [p.recommendation, ...p.alternatives].find((d) => d.gpu === "l20");
    expect(l20?.cost.perHourUsd).toBeNull();
    expect(l20?.cost.basis).toMatch(/no price.*--gpu-price/);
    expect(p.notes.join("\n")).toMatch(/no price for l20 .*--gpu-price l20=USD_PER_GPU_HOUR/);
  });
});
