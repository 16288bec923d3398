/**
 * The one set of flag parsers every command uses, and the map from the core's field names to the
 * flags people type. Each parser takes the flag's name (for the message) and its raw string; it returns
 * undefined when the flag was not given and throws a one-line UserError naming the flag otherwise.
 */
import type { Command } from "commander";
import { UserError } from "../errors.js";

interface Bounds {
  /** Smallest accepted value (default: 1 for whole numbers, above 0 for numbers). */
  min?: number;
  /** Largest accepted value. */
  max?: number;
}

/** A whole number, at least `min` (1) and at most `max`. */
export function intFlag(flag: string, v: string | undefined, b: Bounds = {}): number | undefined {
  if (v === undefined) return undefined;
  const min = b.min ?? 1;
  const s = v.trim();
  const n = Number(s);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(n) || n < min)
    throw new UserError(
      `${flag} takes a ${min >= 1 ? "positive " : ""}whole number${min > 1 ? ` of at least ${min}` : ""}, got "${v}"`,
      helpFor(flag),
    );
  if (b.max !== undefined && n > b.max)
    throw new UserError(`${flag} is at most ${b.max}, got ${v}`, helpFor(flag));
  return n;
}

/** A finite number above 0 (or at least `min`), at most `max`. */
export function numFlag(flag: string, v: string | undefined, b: Bounds = {}): number | undefined {
  if (v === undefined) return undefined;
  const s = v.trim();
  const n = Number(s);
  const ok = s !== "" && /^[0-9.eE+-]+$/.test(s) && Number.isFinite(n);
  if (!ok || (b.min !== undefined ? n < b.min : n <= 0))
    throw new UserError(
      `${flag} takes a ${b.min !== undefined ? `number of at least ${b.min}` : "positive number"}, got "${v}"`,
      helpFor(flag),
    );
  if (b.max !== undefined && n > b.max)
    throw new UserError(`${flag} is at most ${b.max}, got ${v}`, helpFor(flag));
  return n;
}

/** A share in (0, 1], such as 0.9. */
export function fractionFlag(flag: string, v: string | undefined): number | undefined {
  const n = numFlag(flag, v, { max: 1 });
  return n;
}

/** A latency target in ms, or "none" (also 0) for no target. */
export function targetFlag(flag: string, v: string | undefined): number | "none" | undefined {
  if (v === undefined) return undefined;
  if (v.trim() === "none" || v.trim() === "0") return "none";
  return numFlag(flag, v);
}

/** Repeatable and comma-separated: ["a,b", "c"] -> ["a", "b", "c"]. */
export function listFlag(vs: string[] | string | undefined): string[] | undefined {
  if (vs === undefined) return undefined;
  const out = (Array.isArray(vs) ? vs : [vs])
    .flatMap((v) => v.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
  return out;
}

/** KEY=NUMBER pairs, repeatable: ["h100=2.1"] -> { h100: 2.1 }. */
export function pairsFlag(
  flag: string,
  vs: string[] | undefined,
  example: string,
): Record<string, number> | undefined {
  const list = listFlag(vs);
  if (!list?.length) return undefined;
  const out: Record<string, number> = {};
  for (const kv of list) {
    const m = /^([^=]+)=([\d.]+)$/.exec(kv);
    const n = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(n))
      throw new UserError(`${flag} takes GPU=NUMBER, got "${kv}"`, `e.g. ${flag} ${example}`);
    out[m[1]!.trim()] = n;
  }
  return out;
}

/** One of a fixed set of words. */
export function choiceFlag<T extends string>(
  flag: string,
  v: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (v === undefined) return undefined;
  if ((choices as readonly string[]).includes(v)) return v as T;
  throw new UserError(`${flag} is one of ${choices.join(", ")}, got "${v}"`, helpFor(flag));
}

const helpFor = (flag: string) => `see --help for what ${flag} takes`;

/**
 * Core field names (what the engine's errors carry) and spec keys, as the flags that set them.
 * Fields not listed are written --kebab-case.
 */
const FLAG_OF: Record<string, string> = {
  gpus: "--gpu",
  precisions: "--precision",
  kvCacheDtypes: "--kv-cache-dtype",
  budgetPerHourUsd: "--budget-per-hour",
  gpuPrices: "--gpu-price",
  gpuPurchaseUsd: "--gpu-purchase",
  thinkTimeSeconds: "--think-time",
  "targets.ttftMs": "--ttft-ms",
  "targets.tpotMs": "--tpot-ms",
  "targets.e2eMs": "--e2e-ms",
};

/** The flag a core field (or spec key) is set with: maxModelLen -> --max-model-len. */
export function flagFor(field: string): string {
  return (
    FLAG_OF[field] ?? `--${(field.split(".").pop() ?? field).replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`
  );
}

const blank = (v: unknown): boolean =>
  typeof v === "string" ? v.trim() === "" : Array.isArray(v) && v.some(blank);

/**
 * An option or argument given an empty (or blank) value is refused, never taken as "not given": `--out ""`
 * (or `--out "$DIR"` with DIR unset) would otherwise fall back to a default the user did not ask for.
 * Throws a UserError naming the flag, with the value it takes.
 */
export function refuseEmptyValues(cmd: Command): void {
  for (const o of cmd.options) {
    const name = o.long ?? o.short ?? o.flags;
    if (!o.required && !o.optional) continue; // a switch: no value
    if (!blank(cmd.getOptionValue(o.attributeName()))) continue;
    const takes = /<[^>]+>|\[[^\]]+\]/.exec(o.flags)?.[0] ?? "VALUE";
    throw new UserError(
      `${name} was given an empty value`,
      `pass ${name} ${takes}, or leave ${name} out (an empty shell variable, as in ${name} "$VAR", passes "")`,
    );
  }
  cmd.registeredArguments.forEach((a, i) => {
    if (blank(cmd.args[i]))
      throw new UserError(
        `the ${a.name()} argument is empty`,
        `see llmdeploy ${cmd.name()} --help for what <${a.name()}> takes`,
      );
  });
}
