// The vLLM release a deployment runs decides its image's oldest GPU, whether one replica can span
// nodes, and the names of its metrics (src/engines/vllm-versions.ts, vllm-releases.ts). These tests
// hold each to the release ranges the sources give, and --engine-version to known releases.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { devices } from "../../src/catalog/index.js";
import { engineCommand, engineModule } from "../../src/engines/index.js";
import { VLLM_RANGE } from "../../src/engines/vllm.js";
import { UserError } from "../../src/errors.js";
import { splitProblem } from "../../src/sizing/size.js";
import { lookupPrecision } from "../../src/sizing/weights.js";
import { loadFixture, renderPlan, variant } from "../tools/render.js";

const vllm = engineModule("vllm");
const device = (id: string) => {
  const d = devices.find((x) => x.id === id);
  if (!d) throw new Error(`no device ${id}`);
  return d;
};
const refusal = (asked: string): UserError => {
  try {
    VLLM_RANGE.resolve(asked);
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error(`${asked} was accepted`);
};

describe("--engine-version takes releases that exist", () => {
  it("known releases resolve, X.Y to X.Y.0", () => {
    expect(VLLM_RANGE.resolve("0.8.5")).toBe("0.8.5");
    expect(VLLM_RANGE.resolve("v0.11.1")).toBe("0.11.1");
    expect(VLLM_RANGE.resolve("0.21")).toBe("0.21.0");
  });

  it("a number inside the range that no release has is refused, naming the nearest releases", () => {
    const e = refusal("0.6.99");
    expect(e.message).toBe(
      "vLLM 0.6.99 is not a release llmdeploy knows (nearby: 0.6.5, 0.6.6, 0.7.0, 0.7.1)",
    );
    expect(e.hint).toMatch(/use one of 0\.6\.5, 0\.6\.6, 0\.7\.0, 0\.7\.1/);
    expect(refusal("0.28.7").message).toMatch(/nearby: 0\.27\.1, 0\.28\.0\)$/);
  });

  it("a hotfix build (0.10.1.1) is refused with its release as the hint, which then works", () => {
    const e = refusal("0.10.1.1");
    expect(e.message).toMatch(/^vLLM 0\.10\.1\.1 is a hotfix build of 0\.10\.1;/);
    expect(e.hint).toBe("use --engine-version 0.10.1 (the hotfix's behaviour is modelled as its release's)");
    expect(VLLM_RANGE.resolve("0.10.1")).toBe("0.10.1");
  });
});

describe("the image check uses the chosen release's image", () => {
  const v100 = device("v100");
  const bf16 = lookupPrecision("bf16");
  it("V100 (sm70): refused by the CUDA 13 pinned image, with the newest release whose CUDA 12.4 image runs on it", () => {
    const p = vllm.supportProblem(v100, bf16);
    expect(p).toMatch(/the pinned vLLM 0\.28\.0 image .* CUDA 13\.0 .* compute capability 7\.5/);
    expect(p).toMatch(/--engine-version 0\.8\.5$/);
    expect(vllm.supportProblem(v100, bf16, "0.8.5")).toBeNull();
    expect(vllm.supportProblem(v100, bf16, "0.6.0")).toBeNull();
  });
  it("the v0.9.0 image (torch 2.7 cu128, minimum 7.5) refuses it, naming that release's image", () => {
    expect(vllm.supportProblem(v100, bf16, "0.9.0")).toMatch(
      /the vLLM 0\.9\.0 image \(vllm\/vllm-openai:v0\.9\.0\) is built for CUDA 12\.8/,
    );
  });
});

describe("multi-node launch flags only for releases that have them", () => {
  const h100 = device("h100-sxm");
  it("vllm serve --nnodes came in 0.11.1: two nodes are refused before it", () => {
    expect(splitProblem(vllm, h100, 8, 2, "0.10.2")).toMatch(/came in 0\.11\.1/);
    expect(splitProblem(vllm, h100, 8, 2, "0.11.1")).toBeNull();
    expect(splitProblem(vllm, h100, 8, 1, "0.10.2")).toBeNull();
  });
  it("rendering a two-node plan of an older release is refused, not written with flags it lacks", () => {
    const plan = variant(loadFixture("multi-node"), (p) => {
      p.recommendation.engine.version = "0.10.2";
    });
    expect(() => engineCommand(plan)).toThrow(/vLLM 0\.10\.2 has no multi-node launch/);
    const ok = variant(loadFixture("multi-node"), (p) => {
      p.recommendation.engine.version = "0.11.1";
    });
    expect(engineCommand(ok).args).toContain("--nnodes");
  });
});

describe("Prometheus names follow the release", () => {
  it("vllm:gpu_cache_usage_perc before 0.9.0, vllm:kv_cache_usage_perc from 0.9.0", () => {
    expect(vllm.metricsFor("0.8.5")?.kvUsage).toEqual(["vllm:gpu_cache_usage_perc"]);
    expect(vllm.metricsFor("0.9.0")?.kvUsage).toEqual(["vllm:kv_cache_usage_perc"]);
    expect(vllm.metricsFor("0.28.0")?.kvUsage).toEqual(["vllm:kv_cache_usage_perc"]);
  });
  it("the rendered alert uses the name the plan's release exports", () => {
    const alertExpr = (version: string) => {
      const plan = variant(loadFixture("standalone"), (p) => {
        p.recommendation.engine.version = version;
      });
      const f = renderPlan(plan).find((x) => x.path === "monitoring/alerts.yml");
      const rules = parse(f!.content).groups[0].rules as { alert: string; expr: string }[];
      return rules.find((r) => r.alert === "LLMKVCacheNearlyFull")!.expr;
    };
    expect(alertExpr("0.8.5")).toMatch(/^max\(vllm:gpu_cache_usage_perc\{/);
    expect(alertExpr("0.28.0")).toMatch(/^max\(vllm:kv_cache_usage_perc\{/);
  });
});
