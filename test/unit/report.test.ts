// The HTML report (src/report): self-contained (nothing a browser could fetch), every chart present
// as SVG, the figures on the page are the plan's / the estimate's, the calibration section says
// which calibration produced them, and hostile strings arrive as text and add no markup.
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { gpus, models } from "../../src/catalog/index.js";
import type { Plan } from "../../src/contract/plan.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { bandRows } from "../../src/report/plan-report.js";
import { estimateReport, planReport } from "../../src/report/index.js";
import { cleanText } from "../../src/sanitize.js";
import { errorBandsFor } from "../../src/sizing/perf-constants.js";
import { estimate } from "../../src/sizing/estimate.js";
import { findGpu } from "../../src/catalog/index.js";
import { enginePlans, loadFixture, ROOT, variant } from "../tools/render.js";
import { externalRefs, structure, tags, textContent, unbalanced } from "../tools/report.js";

const GiB = 1024 ** 3;
const chat = parse(readFileSync(`${ROOT}/examples/deployments/chat-7b/plan.yaml`, "utf8")) as Plan;

const svgIds = (html: string) =>
  tags(html)
    .filter((t) => t.name === "svg" && !t.close)
    .map((t) => t.attrs.id);
const withAttr = (html: string, name: string, attr: string, value?: string) =>
  tags(html).filter(
    (t) => !t.close && t.name === name && attr in t.attrs && (value === undefined || t.attrs[attr] === value),
  );

function estimateOf(id: string, o: Partial<Parameters<typeof estimate>[0]> = {}) {
  const e = models.find((m) => m.id === id)!;
  return estimate({
    model: {
      id,
      name: e.name,
      hfId: e.hfId,
      arch: parseHfConfig(e.config, id),
      resolvedFrom: id,
      source: null,
    },
    kvCacheDtype: "auto",
    concurrency: 4,
    catalog: gpus,
    workload: { inputTokens: 1024, outputTokens: 256, requestRate: null },
    ...o,
  });
}

describe("the scanner for external references finds them (so its silence means something)", () => {
  const bad = [
    '<img src="http://x/a.png">',
    '<a href="https://example.com">x</a>',
    '<rect fill="url(http://x/p#a)"/>',
    "<style>body{background:url(/a.png)}</style>",
    "<style>@import 'a.css';</style>",
    '<use href="other.svg#a"/>',
    "<script>fetch('x')</script>",
    '<link rel="stylesheet" href="a.css">',
    "<p>see //cdn.example/x</p>",
    '<svg onload="fetch(1)"></svg>',
    '<meta http-equiv="refresh" content="0;x">',
  ];
  for (const b of bad) it(b, () => expect(externalRefs(b)).not.toEqual([]));
  it("and lets local references pass", () => {
    expect(
      externalRefs('<rect fill="url(#p-weights)"/><a href="#memory">m</a><img-free x="data:,"/>'),
    ).toEqual([]);
  });
});

describe("plan --report: the chat-7b example plan", () => {
  const html = planReport(chat);
  const d = chat.recommendation;

  it("is one well-formed document with no external reference and no script", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(unbalanced(html)).toBeNull();
    expect(externalRefs(html)).toEqual([]);
    expect(html).toMatch(/Content-Security-Policy" content="default-src &#39;none&#39;/);
  });

  it("has an SVG for every chart: ledger, bands, KV capacity, cost vs TPOT and vs TTFT", () => {
    expect(svgIds(html)).toEqual(["ledger", "bands", "kv", "cost-tpot", "cost-ttft"]);
    for (const id of [
      "recommendation",
      "memory",
      "performance",
      "kv-capacity",
      "alternatives",
      "calibration",
    ])
      expect(withAttr(html, "section", "id", id)).toHaveLength(1);
  });

  it("the ledger is the plan's per-GPU memory, in the table and in the bar's proportions", () => {
    const g = d.memory.perGpu;
    const cell = (key: string) => withAttr(html, "td", "data-key", key)[0]!.attrs["data-bytes"];
    expect(Number(cell("weights"))).toBe(g.weightsBytes);
    expect(Number(cell("kvCache"))).toBe(g.kvCacheBytes);
    expect(Number(cell("total"))).toBe(g.totalBytes);
    expect(Number(cell("budget"))).toBe(g.budgetBytes);
    // 14.19 GiB shown for the weights: 15,231,233,024 / 1024^3 = 14.185 -> "14.19"
    expect(textContent(html)).toContain(`weights: ${(g.weightsBytes / GiB).toFixed(2)} GiB`);
    expect((g.weightsBytes / GiB).toFixed(2)).toBe("14.19");
    const rect = (key: string) =>
      tags(html).find((t) => t.name === "rect" && t.attrs["data-key"] === key && "width" in t.attrs)!;
    const ratio = Number(rect("weights").attrs.width) / Number(rect("kvCache").attrs.width);
    expect(ratio).toBeCloseTo(g.weightsBytes / g.kvCacheBytes, 2);
    // what is left beyond the budget: total − max(used, budget) = 84,986,665,370 − 78,187,732,140
    expect(Number(rect("reserved").attrs["data-bytes"])).toBe(g.totalBytes - g.budgetBytes!);
  });

  it("the predictions and their bands are the plan's", () => {
    const p = d.performance;
    const dots = withAttr(html, "circle", "class", "prediction").map((t) => Number(t.attrs["data-value"]));
    expect(dots).toEqual([p.ttftMs, p.tpotMs, p.e2eLatencyMs, p.outputTokensPerSec]);
    const bands = withAttr(html, "rect", "class", "band");
    // TTFT 206.37 ms ± 75 % (vLLM's TTFT band): [51.59, 361.15]
    expect(Number(bands[0]!.attrs["data-lo"])).toBeCloseTo(p.ttftMs * (1 - p.errorBandTtft!), 6);
    expect(Number(bands[0]!.attrs["data-hi"])).toBeCloseTo(p.ttftMs * (1 + p.errorBandTtft!), 6);
    const targets = withAttr(html, "line", "class", "target").map((t) => Number(t.attrs["data-target"]));
    expect(targets).toEqual(expect.arrayContaining([chat.spec.targets.ttftMs, chat.spec.targets.tpotMs]));
  });

  it("KV capacity: the plan's tokens and the requested concurrency per replica", () => {
    expect(Number(withAttr(html, "line", "class", "capacity")[0]!.attrs["data-tokens"])).toBe(
      d.memory.kvCacheTokens,
    );
    expect(Number(withAttr(html, "line", "class", "requested")[0]!.attrs["data-n"])).toBe(
      chat.spec.concurrency,
    );
    expect(Number(withAttr(html, "line", "class", "need-max")[0]!.attrs["data-tokens-per-sequence"])).toBe(
      chat.spec.maxModelLen,
    );
  });

  it("cost vs latency: every priced deployment, the chosen one marked, the Pareto front", () => {
    const all = [d, ...chat.alternatives];
    const points = tags(html).filter((t) => t.name === "g" && (t.attrs.class ?? "").startsWith("point"));
    const priced = all.filter((x) => x.cost.perHourUsd !== null);
    expect(points).toHaveLength(2 * priced.length);
    const tpot = points.slice(0, priced.length);
    for (const t of tpot) {
      const x = all[Number(t.attrs["data-n"]) - 1]!;
      expect(Number(t.attrs["data-cost"])).toBe(x.cost.perHourUsd);
      expect(Number(t.attrs["data-latency"])).toBe(x.performance.tpotMs);
    }
    expect(tpot.filter((t) => t.attrs.class!.includes("chosen")).map((t) => t.attrs["data-n"])).toEqual([
      "1",
    ]);
    // The Pareto front on TPOT, worked out here from the plan: a priced deployment that no other one
    // beats on both cost and TPOT (at least as good on both, better on one).
    const n = (x: (typeof all)[number]) => String(all.indexOf(x) + 1);
    const front = priced.filter(
      (a) =>
        !priced.some(
          (b) =>
            b !== a &&
            b.cost.perHourUsd! <= a.cost.perHourUsd! &&
            b.performance.tpotMs <= a.performance.tpotMs &&
            (b.cost.perHourUsd! < a.cost.perHourUsd! || b.performance.tpotMs < a.performance.tpotMs),
        ),
    );
    expect(front.length).toBeGreaterThan(0);
    expect(
      tpot
        .filter((t) => t.attrs.class!.includes("pareto"))
        .map((t) => t.attrs["data-n"])
        .sort(),
    ).toEqual(front.map(n).sort());
    const unpriced = all.filter((x) => x.cost.perHourUsd === null).map(n);
    if (unpriced.length)
      expect(textContent(html)).toContain(`not plotted (no price): ${unpriced.join(", ")}`);
    else expect(textContent(html)).not.toContain("not plotted (no price)");
  });

  it("deployments without a price are listed, not plotted", () => {
    const p = structuredClone(chat);
    const last = p.alternatives.length;
    expect(last).toBeGreaterThan(1);
    p.alternatives[last - 1]!.cost.perHourUsd = null;
    const out = planReport(p);
    expect(textContent(out)).toContain(`not plotted (no price): ${last + 1}`);
    const plotted = tags(out).filter((t) => t.name === "g" && (t.attrs.class ?? "").startsWith("point"));
    expect(plotted.some((t) => t.attrs["data-n"] === String(last + 1))).toBe(false);
  });

  it("the calibration used: the built-in one, with the engine's bands", () => {
    const b = errorBandsFor("vllm");
    expect(withAttr(html, "p", "data-source", "built-in")).toHaveLength(1);
    const band = (k: string) =>
      textContent(html.slice(html.indexOf(">", html.indexOf(`data-band="${k}"`)) + 1))
        .trim()
        .split(/\s+/)
        .slice(0, 2)
        .join(" ");
    expect(band("ttft")).toBe(`±${b.ttft * 100} %`);
    expect(band("tpot")).toBe(`±${b.tpot * 100} %`);
    expect(withAttr(html, "td", "data-factor", "bandwidth")).toHaveLength(1);
  });

  it("the calibration used: a profile when the plan carries one, read defensively", () => {
    const profile = {
      path: "calibration/h100.json",
      gpu: d.gpu,
      engine: "vllm",
      engineVersion: "0.28.0",
      model: "qwen2.5-7b",
      source: "flag",
      createdAt: "2026-11-30T10:00:00Z",
      note: null,
      // as llmdeploy calibrate records them; a factor without a finite value is left out
      factors: {
        bandwidth: { label: "decode bandwidth share", value: 0.64, default: 0.845, unit: "share" },
        compute: { label: "prefill compute share", value: 0.58, default: 0.342, unit: "share" },
        bogus: "x",
      },
      fittedOn: 3,
      residual: 0.04,
    };
    const withProfile = planReport({ ...chat, calibration: profile } as unknown as Plan);
    expect(withAttr(withProfile, "p", "data-source", "profile")).toHaveLength(1);
    const t = textContent(withProfile);
    expect(t).toContain(
      "Calibration profile calibration/h100.json, fitted on 3 measured runs (residual 4.0 %)",
    );
    expect(withAttr(withProfile, "td", "data-factor").map((x) => x.attrs["data-factor"])).toEqual([
      "bandwidth",
      "compute",
    ]);
    // each factor with what it is and its value without the profile
    expect(t).toMatch(/bandwidth\s+decode bandwidth share\s+0\.845\s+0\.64/);
    expect(t).toContain("qwen2.5-7b");
    for (const bad of [null, { path: 1 }, "x", { ...profile, fittedOn: "3" }]) {
      const h = planReport({ ...chat, calibration: bad } as unknown as Plan);
      expect(withAttr(h, "p", "data-source", "built-in")).toHaveLength(1);
      expect(textContent(h).includes("cannot read")).toBe(bad !== null);
    }
  });

  it("a plan that meets no target says so; under a request rate the TTFT target is on its p95", () => {
    const missed = variant(chat, (p) => {
      p.feasible = false;
      p.recommendation.meetsTargets = false;
      p.recommendation.misses = ["TPOT 19.8 ms > 10 ms"];
    });
    const h = planReport(missed);
    expect(withAttr(h, "span", "class", "verdict miss")).toHaveLength(1);
    expect(textContent(h)).toContain("misses: TPOT 19.8 ms > 10 ms");
    const open = variant(chat, (p) => {
      p.spec.concurrency = null;
      p.spec.requestRate = 2;
      p.recommendation.performance.percentiles = {
        ttftP50Ms: 150,
        ttftP95Ms: 420,
        e2eP50Ms: 5000,
        e2eP95Ms: 6000,
      };
    });
    const rows = bandRows(open, open.recommendation);
    expect(rows.map((r) => [r.key, r.target])).toEqual([
      ["ttft", null],
      ["ttftP95", 1000],
      ["tpot", 40],
      ["e2e", null],
      ["throughput", null],
    ]);
    expect(externalRefs(planReport(open))).toEqual([]);
  });

  it("every engine's plan renders: all charts, no NaN/undefined, nothing external", () => {
    for (const { name, plan } of enginePlans()) {
      const h = planReport(plan);
      expect(h, name).not.toMatch(/NaN|undefined|Infinity|\[object /);
      expect(externalRefs(h), name).toEqual([]);
      expect(unbalanced(h), name).toBeNull();
      expect(svgIds(h).slice(0, 3), name).toEqual(["ledger", "bands", "kv"]);
    }
  });
});

describe("hostile strings in a plan arrive as text and add no markup (property-based)", () => {
  const NASTY = [
    "<script>alert(1)</script>",
    "</td></tr>",
    '"><svg onload=x>',
    "'",
    "&amp;",
    "https://evil.example/x.css",
    "//cdn",
    "url(http://x)",
    "]]>",
    "<!--",
    "\u202e",
    "\u0000",
    "${x}",
    "@import 'y';",
  ];
  const str = fc
    .array(
      fc.oneof(
        fc.constantFrom(...NASTY),
        fc.string({ maxLength: 6 }),
        fc.string({ unit: "binary", maxLength: 6 }),
      ),
      { maxLength: 5 },
    )
    .map((a) => a.join(""));
  const fields = fc.record({
    name: str,
    id: str,
    hfId: str,
    gen: str,
    gpuName: str,
    service: str,
    ref: str,
    basis: str,
    network: str,
    note: str,
    label: str,
  });
  type F = {
    name: string;
    id: string;
    hfId: string;
    gen: string;
    gpuName: string;
    service: string;
    ref: string;
    basis: string;
    network: string;
    note: string;
    label: string;
  };
  const put = (f: F) =>
    variant(chat, (p) => {
      p.model.name = f.name;
      p.model.id = f.id;
      p.model.hfId = f.hfId;
      p.generatedBy = f.gen;
      p.spec.serviceName = f.service;
      const d = p.recommendation;
      d.gpuName = f.gpuName;
      d.engine.modelRef = f.ref;
      d.cost.basis = f.basis;
      d.host.network = f.network;
      d.checkpoint!.label = f.label;
      d.misses = [f.note];
      p.alternatives[0]!.gpuName = f.gpuName;
      p.notes = [f.note];
    });
  const benign = planReport(
    put({
      name: "a",
      id: "a",
      hfId: "a",
      gen: "a",
      gpuName: "a",
      service: "a",
      ref: "a",
      basis: "a",
      network: "a",
      note: "a",
      label: "a",
    }),
  );

  it("the same elements and attributes as a benign plan, no external reference, every string readable", () => {
    fc.assert(
      fc.property(fields, (f) => {
        const h = planReport(put(f));
        expect(structure(h)).toEqual(structure(benign));
        expect(externalRefs(h)).toEqual([]);
        const t = textContent(h);
        // model.id is not shown while the plan has an hfId: the hfId names the model
        for (const [k, s] of Object.entries(f)) if (k !== "id") expect(t).toContain(cleanText(s));
      }),
      { numRuns: 150, seed: 18 },
    );
  });

  it("the hostile fixture plan (script tags in the network field) renders as text", () => {
    const h = planReport(loadFixture("hostile"));
    expect(externalRefs(h)).toEqual([]);
    expect(tags(h).some((t) => t.name === "script")).toBe(false);
    expect(textContent(h)).toContain("</td><script>alert(1)</script>");
  });
});

describe("estimate --report", () => {
  it("hostile strings from a model file arrive as text and add no markup", () => {
    const base = estimateOf("llama-3.1-8b", { gpu: findGpu("l4") });
    const put = (t: string) => {
      const r = structuredClone(base);
      r.model.name = t;
      r.model.hfId = `${t}/x`;
      r.checkpoint!.label = t;
      r.checkpoint!.modelRef = t;
      r.notes = [t];
      return estimateReport(r, "llmdeploy test");
    };
    const benign = structure(put("a"));
    for (const t of [
      "<script>alert(1)</script>",
      '"><img src=//x onerror=y>',
      "https://evil/x",
      "url(http://x)",
    ]) {
      const h = put(t);
      expect(structure(h)).toEqual(benign);
      expect(externalRefs(h)).toEqual([]);
      expect(textContent(h)).toContain(t);
    }
  });

  it("with --gpu: the placement's ledger, KV capacity and bands; the figures are the estimate's", () => {
    const r = estimateOf("llama-3.1-8b", { gpu: findGpu("l4") });
    const h = estimateReport(r, "llmdeploy test");
    expect(svgIds(h)).toEqual(["ledger", "kv", "bands"]);
    expect(externalRefs(h)).toEqual([]);
    expect(unbalanced(h)).toBeNull();
    const p = r.placement!;
    expect(Number(withAttr(h, "span", "data-field", "weights")[0]!.attrs["data-bytes"])).toBe(
      r.memory.weightsBytes,
    );
    expect(Number(withAttr(h, "line", "class", "capacity")[0]!.attrs["data-tokens"])).toBe(p.kvCacheTokens);
    expect(Number(withAttr(h, "line", "class", "budget")[0]!.attrs["data-bytes"])).toBe(p.perGpu.budgetBytes);
    const dots = withAttr(h, "circle", "class", "prediction").map((t) => Number(t.attrs["data-value"]));
    expect(dots).toEqual([
      r.performance!.ttftMs,
      r.performance!.tpotMs,
      r.performance!.e2eLatencyMs,
      r.performance!.outputTokensPerSec,
    ]);
    // The engine's own ledger lines are the table's rows.
    for (const l of p.ledger)
      expect(withAttr(h, "td", "data-bytes", String(l.bytes)).length).toBeGreaterThan(0);
  });

  it("a placement that does not fit shows what is missing and no KV chart", () => {
    const r = estimateOf("llama-3.3-70b", { gpu: findGpu("l4"), gpus: 1, precision: "bf16" });
    expect(r.placement!.fits).toBe(false);
    const h = estimateReport(r, "llmdeploy test");
    expect(svgIds(h)).toEqual(["ledger", "bands"].filter((x) => x !== "bands" || r.performance));
    expect(withAttr(h, "rect", "data-key", "overflow").length).toBe(1);
    expect(textContent(h)).toMatch(/does not fit: \d+\.\d\d GiB beyond the capacity/);
  });

  it("without --gpu: every GPU's ledger row, the fit table, cost vs TPOT", () => {
    const r = estimateOf("llama-3.3-70b", { precision: "int4" });
    const h = estimateReport(r, "llmdeploy test");
    expect(svgIds(h)).toEqual(["ledgers", "cost-tpot", "bands"]);
    expect(tags(h).filter((t) => t.name === "g" && t.attrs.class === "ledger-row" && !t.close)).toHaveLength(
      r.gpus!.length,
    );
    for (const p of r.gpus!)
      expect(withAttr(h, "td", "data-gpu", p.gpu)[0]!.attrs["data-bytes"]).toBe(
        String(p.perGpu.weightsBytes),
      );
    expect(externalRefs(h)).toEqual([]);
    expect(h).not.toMatch(/NaN|undefined|Infinity/);
  });
});
