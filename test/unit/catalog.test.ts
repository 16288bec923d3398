import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { deviceData, modelData, sizeAliasData } from "../../src/catalog/data.js";
import { providerData } from "../../src/catalog/instance-data.js";
import { gpus, models, SIZE_ALIASES } from "../../src/catalog/index.js";
import { checkCatalog, type DataFile } from "../../src/catalog/schema.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { countParams } from "../../src/sizing/inventory.js";
import { storedCount } from "../../src/sizing/stored.js";

describe("model catalog", () => {
  it("has at least 30 models with unique ids and a source for every config and count", () => {
    expect(models.length).toBeGreaterThanOrEqual(30);
    expect(new Set(models.map((m) => m.id)).size).toBe(models.length);
    for (const m of models) {
      expect(m.configSource.url, m.id).toMatch(/^https:\/\//);
      expect(m.publishedParams.source.url, m.id).toMatch(/^https:\/\//);
    }
  });

  // The engine's count from the architecture must equal the published total, to the parameter.
  // Each published figure and how it was read is in the catalog entry (publishedParams.source).
  // Where the published total also counts what vLLM's main model does not load (MTP layers, an FP8
  // checkpoint's block scales: publishedParams.includes), those are added by src/sizing/stored.ts.
  // A tolerance is allowed only where the entry's note says what the published figure holds beyond
  // the architecture (Kimi K2: 3,416 unexplained values in a 1.03e12 total).
  for (const m of models) {
    it(`${m.id}: parameters from the architecture = published ${m.publishedParams.value.toLocaleString("en-US")}`, () => {
      const arch = parseHfConfig(m.config, m.id);
      const n = countParams(arch);
      const pub = m.publishedParams;
      const stored = storedCount(arch, pub.includes);
      expect(stored.loaded).toBe(n.total);
      if (pub.tolerance === undefined) expect(stored.total).toBe(pub.value);
      else {
        expect(pub.note ?? "", "a tolerance needs its reason in the note").toMatch(/UNCERTAIN/);
        expect(Math.abs(stored.total / pub.value - 1)).toBeLessThan(pub.tolerance);
      }
      expect(n.active).toBeLessThanOrEqual(n.total);
    });
  }

  it("every size alias points at a catalog model", () => {
    for (const [size, id] of Object.entries(SIZE_ALIASES)) {
      expect(
        models.some((m) => m.id === id),
        `${size} -> ${id}`,
      ).toBe(true);
    }
  });
});

describe("GPU catalog", () => {
  it("has at least 20 GPUs, each fact sourced", () => {
    expect(gpus.length).toBeGreaterThanOrEqual(20);
    expect(new Set(gpus.map((g) => g.id)).size).toBe(gpus.length);
    for (const g of gpus) {
      expect(g.memoryBytes.value, g.id).toBeGreaterThan(8 * 1024 ** 3);
      expect(g.memoryBytes.sources.length, g.id).toBeGreaterThan(0);
      expect(g.memoryBandwidthGBs.sources.length, g.id).toBeGreaterThan(0);
      expect(g.tflops.fp16.sources.length, g.id).toBeGreaterThan(0);
      for (const p of g.prices) expect(p.date, `${g.id} ${p.provider}`).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
    }
  });

  it("memoryBytes is the driver's figure, says which one, and never exceeds the marketed size read as GiB", () => {
    for (const g of gpus) {
      expect(g.memoryBytes.note ?? g.memoryBytes.basisSource.quote, g.id).toBeTruthy();
      expect(g.memoryBytes.value, g.id).toBeLessThanOrEqual(g.memoryMarketed.value * 1024 ** 3);
    }
    // The GPUs still sized on the marketed size: no CUDA, HIP or HPU total, nor a figure to derive one
    // from, found (test/unit/device-memory.test.ts checks every basis).
    expect(gpus.filter((g) => g.memoryBytes.basis === "marketed").map((g) => g.id)).toEqual(["gaudi3"]);
  });

  it("the link between GPUs follows the form factor: SXM, HGX and NVL72 modules on NVLink, PCIe cards on PCIe", () => {
    for (const g of gpus) {
      if (/SXM|HGX|GB200/.test(g.name)) expect(g.interconnect.kind, g.id).toBe("nvlink");
      if (/PCIe/.test(g.name)) expect(g.interconnect.kind, g.id).toBe("pcie");
      if (g.interconnect.kind === "nvlink")
        expect(g.interconnect.gbsUnidirectional.sources.length, g.id).toBeGreaterThan(0);
    }
    // A100 SXM4 40GB: NVLink 3, 12 links, 600 GB/s both ways (NVIDIA's NVLink page), 300 GB/s per
    // direction, the same link as the 80GB module.
    const a100 = gpus.find((g) => g.id === "a100-40g")!;
    expect(a100.interconnect).toMatchObject({ kind: "nvlink", gen: 3, gbsUnidirectional: { value: 300 } });
    expect(a100.interconnect.gbsUnidirectional.value).toBe(
      gpus.find((g) => g.id === "a100-80g")!.interconnect.gbsUnidirectional.value,
    );
    // The GPUs whose PCIe figure is still derived from the generation alone, without a source.
    expect(
      gpus
        .filter((g) => g.kind !== "cpu" && g.interconnect.gbsUnidirectional.sources.length === 0)
        .map((g) => g.id),
    ).toEqual(["h100-nvl", "rtx-a6000", "rtx-4090", "rtx-3090"]);
  });

  it("includes the GPUs users ask for", () => {
    const ids = new Set(gpus.flatMap((g) => [g.id, ...(g.aliases ?? [])]));
    for (const id of [
      "h200",
      "h100",
      "h100-pcie",
      "h100-nvl",
      "h20",
      "a100",
      "a100-40g",
      "l40s",
      "l40",
      "l4",
      "a10g",
      "a10",
      "rtx-4090",
      "rtx-4080",
      "rtx-3090",
      "rtx-6000-ada",
      "rtx-a6000",
      "t4",
      "v100",
      "b200",
      "mi300x",
      "mi325x",
      "rtx-5090",
      "h20-3e",
      "l20",
      "mi355x",
      "b300",
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
  });
});

describe("catalog data files", () => {
  const dataDir = new URL("../../data/", import.meta.url);
  const files: DataFile[] = ["devices", "models", "instances"].flatMap((dir) =>
    readdirSync(new URL(`${dir}/`, dataDir))
      .sort()
      .map((name) => ({
        path: `${dir}/${name}`,
        json: JSON.parse(readFileSync(new URL(`${dir}/${name}`, dataDir), "utf8")) as unknown,
      })),
  );
  const loaded = {
    devices: deviceData,
    models: modelData,
    sizeAliases: sizeAliasData,
    providers: providerData,
  };

  it("every file in data/devices, data/models and data/instances parses through its zod schema, and data.ts and instance-data.ts import them all", () => {
    expect(files.length).toBeGreaterThan(60);
    expect(files.filter((f) => f.path.startsWith("instances/")).length).toBeGreaterThanOrEqual(5);
    expect(checkCatalog(files, loaded)).toEqual([]);
  });

  // The check itself must catch bad data: each broken copy below yields exactly the problem named.
  const l4 = files.find((f) => f.path === "devices/l4.json")!;
  const l4Json = l4.json as Record<string, unknown>;
  const others = files.filter((f) => f !== l4);
  const cases: [string, DataFile, string][] = [
    [
      "a number given as a string",
      { path: l4.path, json: { ...l4Json, memoryBytes: { ...(l4Json.memoryBytes as object), value: "24" } } },
      "data/devices/l4.json: memoryBytes.value:",
    ],
    [
      "a misspelt key",
      { path: l4.path, json: { ...l4Json, memoryByte: 1 } },
      'data/devices/l4.json: Unrecognized key: "memoryByte"',
    ],
    [
      "a fact without a source",
      {
        path: l4.path,
        json: { ...l4Json, memoryBandwidthGBs: { ...(l4Json.memoryBandwidthGBs as object), sources: [] } },
      },
      "data/devices/l4.json: memoryBandwidthGBs.sources:",
    ],
    ["a file not named after its id", { path: "devices/l4x.json", json: l4Json }, 'id "l4" differs'],
    [
      "a price without the kind of seller",
      {
        path: l4.path,
        json: {
          ...l4Json,
          prices: [
            {
              provider: "X",
              usdPerGpuHour: 1,
              basis: "on-demand",
              date: "2026-01-01",
              source: { url: "https://x.example" },
            },
          ],
        },
      },
      "data/devices/l4.json: prices.0.kind:",
    ],
    [
      "a GPU without its segment",
      { path: l4.path, json: Object.fromEntries(Object.entries(l4Json).filter(([k]) => k !== "segment")) },
      "data/devices/l4.json: a GPU needs its segment",
    ],
  ];
  for (const [what, broken, problem] of cases) {
    it(`reports ${what}`, () => {
      const problems = checkCatalog([...others, broken], loaded);
      expect(
        problems.some((p) => p.includes(problem)),
        problems.join("\n"),
      ).toBe(true);
    });
  }

  it("reports a file that data.ts does not import, and an import without a file", () => {
    const extra = { path: "devices/l4-copy.json", json: { ...l4Json, id: "l4-copy", aliases: [] } };
    expect(checkCatalog([...files, extra], loaded)).toEqual([
      "data/devices/l4-copy.json is not imported by src/catalog/data.ts",
    ]);
    // Without l4.json, the instances of L4 name a device that is gone too.
    const problems = checkCatalog(others, loaded);
    expect(
      problems.filter((p) => !/^data\/instances\/.*: gpu "l4" is not a catalog device$/.test(p)),
    ).toEqual(['src/catalog/data.ts lists devices "l4" that has no valid file']);
    expect(problems.length).toBeGreaterThan(1);
  });

  it("reports an instance of a GPU the catalog does not have, and a provider file instance-data.ts does not import", () => {
    const aws = files.find((f) => f.path === "instances/aws.json")!;
    const j = aws.json as { instances: Record<string, unknown>[] };
    const broken = {
      ...aws,
      json: { ...j, instances: [{ ...j.instances[0], gpu: "h999" }, ...j.instances.slice(1)] },
    };
    expect(checkCatalog([...files.filter((f) => f !== aws), broken], loaded)).toEqual([
      'data/instances/aws.json: p5.48xlarge: gpu "h999" is not a catalog device',
    ]);
    const extra = { path: "instances/aws2.json", json: { ...j, id: "aws2" } };
    expect(checkCatalog([...files, extra], loaded)).toEqual([
      "data/instances/aws2.json is not imported by src/catalog/instance-data.ts",
    ]);
  });

  it("reports a size alias that names no model", () => {
    const bad = files.map((f) =>
      f.path === "models/aliases.json" ? { ...f, json: { ...(f.json as object), "1000b": "nope" } } : f,
    );
    expect(checkCatalog(bad, loaded)).toContain("data/models/aliases.json: 1000b -> nope: no such model");
  });
});
