// What a rendered README promises is rendered: monitoring (Prometheus, alerts, the compose profile,
// KEDA) only where the engine serves Prometheus metrics llmdeploy knows, and otherwise one paragraph
// saying what is and is not monitored.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { engineModule } from "../../src/engines/index.js";
import { enginePlans, loadFixture, renderPlan, variant } from "../tools/render.js";

describe("the README promises only monitoring that is rendered", () => {
  // enginePlans: every engine, compose and Kubernetes.
  {
    for (const { name, plan } of enginePlans()) {
      it(name, () => {
        const packaging = plan.spec.packaging;
        const files = renderPlan(plan);
        const paths = files.map((f) => f.path);
        const readme = files.find((f) => f.path === "README.md")!.content;
        const monitored = paths.includes("monitoring/prometheus.yml");
        const module = engineModule(plan.recommendation.engine.name);
        // Monitoring is rendered exactly for the engines that export Prometheus metrics.
        expect(monitored, name).toBe(module.metrics !== null);
        expect(paths.includes("monitoring/alerts.yml")).toBe(monitored);
        expect(
          /Prometheus|`monitoring\/`|--profile monitoring|KEDA/.test(
            readme.replace(/## Monitoring[\s\S]*?## Files/, ""),
          ),
        ).toBe(monitored);
        if (packaging === "compose") {
          const compose = parse(files.find((f) => f.path === "compose.yaml")!.content);
          expect(Boolean(compose.services.prometheus), name).toBe(monitored);
        }
        const section = /## Monitoring\n\n([\s\S]*?)\n## Files/.exec(readme)?.[1] ?? "";
        if (monitored) {
          // every metric the alerts use is named in the README
          const alerts = files.find((f) => f.path === "monitoring/alerts.yml")!.content;
          for (const m of [module.metrics!.waiting, ...module.metrics!.kvUsage]) {
            if (m) {
              expect(alerts).toContain(m);
              expect(section).toContain(m);
            }
          }
        } else {
          expect(section).toMatch(/^Not monitored: llmdeploy renders no Prometheus configuration/);
          expect(module.unmonitored, name).toBeTruthy();
          expect(paths.some((f) => f.includes("keda"))).toBe(false);
        }
      });
    }
  }
});

describe("a plan that misses its targets says so at the top of its README", () => {
  it("each miss, the prediction against the target and how far over (ms and %)", () => {
    const plan = variant(loadFixture("standalone"), (p) => {
      const d = p.recommendation;
      d.meetsTargets = false;
      d.misses = ["TPOT 84 ms > 5.0 ms", "cost $2.00/h > budget $1/h"];
      d.targets = [
        {
          metric: "ttft",
          targetMs: 2000,
          predictedMs: 500,
          pessimisticMs: 800,
          band: 0.6,
          margin: 0.75,
          met: true,
          withinBand: false,
        },
        {
          metric: "tpot",
          targetMs: 5,
          predictedMs: 84,
          pessimisticMs: 120,
          band: 0.45,
          margin: -15.8,
          met: false,
          withinBand: false,
        },
      ];
    });
    const readme = renderPlan(plan).find((f) => f.path === "README.md")!.content;
    const top = readme.slice(0, readme.indexOf("## The plan"));
    // 84 − 5 = 79 ms over a 5 ms target: 79 / 5 = 1580 %
    expect(top).toContain("> **This plan misses its targets.**");
    expect(top).toContain("> - TPOT: predicted 84 ms against a 5 ms target, 79 ms (1580 %) over");
    // (Markdown-escaped: a bare ">" in a line of text)
    expect(top).toContain("> - cost $2.00/h \\> budget $1/h");
    expect(top).not.toContain("TTFT");
    const ok = renderPlan(loadFixture("standalone")).find((f) => f.path === "README.md")!.content;
    expect(loadFixture("standalone").recommendation.meetsTargets).toBe(true);
    expect(ok).not.toContain("misses its targets");
  });
});
