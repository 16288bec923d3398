/**
 * verify --deployment checks every launch setting the plan fixes (model, model file, quantization,
 * TP, PP, max model len, KV cache dtype, memory share, max sequences, batched tokens) against what
 * the files start, and names the file and line where each differs: for every engine × packaging, each
 * setting the files give is edited at the line that gives it, and the check must name that line.
 */
import { describe, expect, it } from "vitest";
import { engineModule } from "../../src/engines/index.js";
import type { SettingKey } from "../../src/engines/types.js";
import { checkDeployment } from "../../src/verify/deployment.js";
import { launchSites, sourceAt } from "../../src/verify/launches.js";
import { enginePlans, renderPlan } from "../tools/render.js";

/** Another value of a setting, as a file would hold it. */
function edited(key: SettingKey, v: string): string {
  if (key === "kvCacheDtype") return ["auto", "f16"].includes(v) ? (v === "f16" ? "q8_0" : "fp8") : "auto";
  if (/^\d+$/.test(v)) return String(Number(v) * 2);
  if (/^0?\.\d+$/.test(v)) return Number(v) > 0.5 ? "0.5" : "0.75";
  return `${v}-edited`;
}

const NAMES: Partial<Record<SettingKey, string>> = {
  modelRef: "model",
  file: "model file",
  tp: "TP",
  pp: "PP",
  maxModelLen: "max model len",
  kvCacheDtype: "KV cache dtype",
  quantization: "quantization",
  gpuMemoryUtilization: "memory share",
  maxNumSeqs: "max sequences",
  maxNumBatchedTokens: "batched tokens",
};

describe("every launch setting, edited by hand, is named with its file and line", () => {
  for (const { name, plan } of enginePlans()) {
    it(name, () => {
      const engine = engineModule(plan.recommendation.engine.name);
      const files = renderPlan(plan);
      expect(checkDeployment(plan, files).mismatches).toEqual([]);
      const { sites } = launchSites(files);
      let checked = 0;
      for (const site of sites) {
        const s = engine.readLaunch(site.launch);
        if ("problem" in s) throw new Error(s.problem);
        for (const [key, src] of Object.entries(s.sources ?? {}) as [SettingKey, never][]) {
          const at = sourceAt(site, src);
          expect(at, `${site.where} ${key}`).not.toBeNull();
          const file = files.find((f) => f.path === at!.file)!;
          const lines = file.content.split("\n");
          const text = lines[at!.line - 1]!;
          // the value on that line: a script word, a YAML item or env value (quoted or not), an export
          const m = /^(\s*(?:- |export [A-Z_]+=|[A-Za-z_]+: |value: )?['"]?)([^'"\s]+)(['"]?\s*)$/.exec(text);
          expect(m, `${at!.file}:${at!.line} ${JSON.stringify(text)}`).not.toBeNull();
          const value = m![2]!.includes("=") && m![2]!.startsWith("--") ? m![2]!.split("=")[1]! : m![2]!;
          const changed = [...lines];
          changed[at!.line - 1] = text.replace(value, edited(key, value));
          const c = checkDeployment(
            plan,
            files.map((f) => (f === file ? { ...f, content: changed.join("\n") } : f)),
          );
          const expected = `${at!.file}:${at!.line}: ${NAMES[key]} `;
          expect(
            c.mismatches.some((x) => x.startsWith(expected)),
            `${expected}... in ${JSON.stringify(c.mismatches)}`,
          ).toBe(true);
          checked++;
        }
      }
      // at least the model and the context of every launch
      expect(checked).toBeGreaterThanOrEqual(2 * sites.length);
    });
  }
});
