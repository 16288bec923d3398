/**
 * "The calibration used" section of a report: a calibration profile when the plan or estimate
 * carries one (an optional `calibration` field, read defensively: it may be absent, null, or come
 * from a file written by another release), otherwise the built-in calibration: the engine's fitted
 * efficiencies and the error bands measured on the validation side of the published measurements
 * (src/sizing/perf-constants.ts ERROR_BANDS; docs/performance.md).
 */
import { figureBands } from "../contract/plan.js";
import { engineModule, isEngineName } from "../engines/index.js";
import { type ErrorBands, errorBandsFor } from "../sizing/perf-constants.js";
import { code, facts, para, table } from "./html.js";
import { el, type Markup, pct, text } from "./svg.js";

/** A calibration profile as a plan or estimate records it (the `calibration` field). */
export interface CalibrationInfo {
  path: string;
  gpu: string;
  engine: string;
  engineVersion: string | null;
  /** The model the runs served, when recorded. */
  model: string | null;
  /** Each factor: what it is, its value, llmdeploy's own value without the profile, its unit. */
  factors: Record<string, { label: string; value: number; default: number | null; unit: string }>;
  /** Why only some factors apply, when the profile says so. */
  note: string | null;
  /** Runs the factors were fitted on. */
  fittedOn: number;
  /** Relative residual of the fit (0.04 = 4 %), or null. */
  residual: number | null;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * The `calibration` field of a plan or estimate result when it is a well-formed profile record;
 * null when it is absent, null, or malformed (then the report says so rather than guessing).
 * Factors that are not finite numbers are left out.
 */
export function readCalibration(doc: unknown): CalibrationInfo | null | "malformed" {
  if (!isObj(doc) || !("calibration" in doc)) return null;
  const c = doc.calibration;
  if (c === null || c === undefined) return null;
  if (
    !isObj(c) ||
    typeof c.path !== "string" ||
    typeof c.gpu !== "string" ||
    typeof c.engine !== "string" ||
    !(c.engineVersion === null || typeof c.engineVersion === "string") ||
    !isObj(c.factors) ||
    !finite(c.fittedOn) ||
    !(c.residual === null || finite(c.residual))
  )
    return "malformed";
  // Each factor is {label, value, default, unit} (llmdeploy calibrate); a bare number is read too.
  const factors: CalibrationInfo["factors"] = {};
  for (const [k, v] of Object.entries(c.factors)) {
    if (finite(v)) factors[k] = { label: k, value: v, default: null, unit: "" };
    else if (isObj(v) && finite(v.value))
      factors[k] = {
        label: typeof v.label === "string" ? v.label : k,
        value: v.value,
        default: finite(v.default) ? v.default : null,
        unit: typeof v.unit === "string" ? v.unit : "",
      };
  }
  return {
    path: c.path,
    gpu: c.gpu,
    engine: c.engine,
    engineVersion: c.engineVersion,
    model: typeof c.model === "string" ? c.model : null,
    note: typeof c.note === "string" ? c.note : null,
    factors,
    fittedOn: c.fittedOn,
    residual: c.residual,
  };
}

/** A factor's value as people read it: shares and ms to 3 significant digits, bytes as GiB. */
function fmtFactor(v: number): string {
  if (Math.abs(v) >= 1024 ** 2) return `${(v / 1024 ** 3).toFixed(2)} GiB`;
  return String(Number(v.toPrecision(3)));
}

/**
 * The bands a prediction is judged by (contract figureBands: its own, or its overall band for an old
 * plan); without a prediction, the engine's built-in bands.
 */
export function bandsOf(engine: string, p?: Parameters<typeof figureBands>[0]): ErrorBands {
  return p ? figureBands(p) : errorBandsFor(engine);
}

/** The engine module's fitted efficiencies, as [name, value, meaning] rows (none for an unknown engine). */
function builtInFactors(engine: string): [string, string, string][] {
  if (!isEngineName(engine)) return [];
  const e = engineModule(engine).efficiency;
  return [
    ["bandwidth", String(e.bandwidth), "share of peak memory bandwidth a decode step reaches"],
    ["compute", String(e.compute), "share of peak tensor throughput a prefill chunk reaches"],
    ["stepOverheadMs", String(e.stepOverheadMs), "fixed cost of one engine step, ms"],
    ["seqOverheadUs", String(e.seqOverheadUs), "cost per running sequence per step, µs"],
    ["requestOverheadMs", String(e.requestOverheadMs), "HTTP serving cost per request, ms"],
    [
      "requestLayerOverheadUs",
      String(e.requestLayerOverheadUs),
      "dispatch of a prompt's pass outside CUDA graphs, per layer of the model, µs",
    ],
  ];
}

/** The section's body: which calibration produced the figures, and how wide their bands are. */
export function calibrationBody(doc: unknown, engine: string, gpu: string, bands: ErrorBands): Markup[] {
  const cal = readCalibration(doc);
  const bandTable = table(
    ["figure", "error band (90 % of validation figures within)"],
    [
      ["TTFT", { v: pct(bands.ttft), num: true, data: { band: "ttft" } }],
      ["TPOT", { v: pct(bands.tpot), num: true, data: { band: "tpot" } }],
      ["throughput", { v: pct(bands.throughput), num: true, data: { band: "throughput" } }],
    ],
  );
  if (cal && cal !== "malformed") {
    const applies = cal.gpu === gpu && cal.engine === engine;
    return [
      el(
        "p",
        { class: "calibration-source", "data-source": "profile" },
        text(
          `Calibration profile ${cal.path}, fitted on ${cal.fittedOn} measured run${cal.fittedOn === 1 ? "" : "s"}` +
            (cal.residual !== null ? ` (residual ${(cal.residual * 100).toFixed(1)} %)` : "") +
            ".",
        ),
      ),
      facts([
        ["profile", code(cal.path)],
        ["GPU", text(cal.gpu)],
        ["engine", text(`${cal.engine}${cal.engineVersion ? ` ${cal.engineVersion}` : ""}`)],
        ...(cal.model ? [["model", text(cal.model)] as [string, Markup]] : []),
        ["runs fitted", text(String(cal.fittedOn))],
        ["residual", text(cal.residual !== null ? `${(cal.residual * 100).toFixed(1)} %` : "not reported")],
      ]),
      cal.note ? para(cal.note, "caption") : "",
      applies
        ? ""
        : para(
            `The profile is for ${cal.gpu} / ${cal.engine}; the figures here are for ${gpu} / ${engine}.`,
            "caption",
          ),
      table(
        ["factor", "what it is", { v: "without the profile", num: true }, { v: "fitted", num: true }],
        Object.entries(cal.factors)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, f]) => [
            k,
            f.label + (f.unit && f.unit !== "share" ? ` (${f.unit})` : ""),
            { v: f.default === null ? "-" : fmtFactor(f.default), num: true },
            { v: fmtFactor(f.value), num: true, data: { factor: k } },
          ]),
      ),
      el("h3", {}, text("Error bands printed with the figures")),
      bandTable,
    ];
  }
  const rows = builtInFactors(engine);
  return [
    el(
      "p",
      { class: "calibration-source", "data-source": "built-in" },
      text(
        "Built-in calibration: no calibration profile was used. The performance model's constants are fitted to " +
          "published serving measurements (data/calibration in the llmdeploy repository), split by source " +
          "document into a fit side and a validation side; the error bands are the 90th percentile of " +
          "|predicted / measured − 1| on the validation side, per engine (docs/performance.md).",
      ),
    ),
    cal === "malformed"
      ? para("The plan names a calibration profile llmdeploy cannot read; it is not shown.", "caption")
      : "",
    bandTable,
    rows.length
      ? el(
          "div",
          {},
          el("h3", {}, text(`${engine}'s fitted efficiencies`)),
          table(
            ["factor", { v: "value", num: true }, "what it is"],
            rows.map(([k, v, what]) => [k, { v, num: true, data: { factor: k } }, what]),
          ),
        )
      : "",
  ];
}
