// What a rendered README promises is rendered: monitoring (Prometheus, alerts, the compose profile,
// KEDA) only where the engine serves Prometheus metrics llmdeploy knows, and otherwise one paragraph
// saying what is and is not monitored.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { engineModule } from "../../src/engines/index.js";
import { enginePlans, renderPlan } from "../tools/render.js";

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
