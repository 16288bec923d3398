/**
 * Latency of one tensor-parallel all-reduce, from published measurements
 * (data/calibration/allreduce.json: nccl-tests and each engine's custom all-reduce kernel, per GPU,
 * rank count and message size, each series with its source; gathered 2026-11-30).
 *
 * Decode under TP runs two all-reduces per layer of `tokens × hidden × 2` bytes: a few KB at small
 * batch, where the call is latency-bound (one-shot custom kernels: 3–8 µs on NVLink; NCCL: 6–25 µs).
 * The table covers 256 B – 64 KB; beyond its largest size the ring's bandwidth term is added:
 * 2(p−1)/p × extra bytes / (link bandwidth × achieved share) (NCCL's bus-bandwidth definition,
 * nccl-tests doc/PERFORMANCE.md).
 */
import type { DeviceEntry } from "../catalog/types.js";
import table from "../../data/calibration/allreduce.json" with { type: "json" };

/** The all-reduce implementations the table measures (an engine module names the one it runs). */
export type AllReduceKernel = "nccl" | "vllm" | "sglang" | "trtllm";

export interface Series {
  gpu?: string;
  interconnect?: string;
  kernel: string;
  ranks: number;
  source: string;
  points: [number, number][];
}

/**
 * A 3-point running median over each series: a single spike (vLLM custom on A100 at 4 KB, 8 ranks:
 * 14.8 µs between 5.6 and 6.3; SGLang on H100 at 1 KB, 8 ranks: 38.1 µs between 3.3 and 3.5) is a
 * measurement glitch, not the kernel's cost at that size. The ends are kept.
 */
function smooth(points: [number, number][]): [number, number][] {
  return points.map(([b, v], i) => {
    if (i === 0 || i === points.length - 1) return [b, v];
    const trio = [points[i - 1]![1], v, points[i + 1]![1]].sort((x, y) => x - y);
    return [b, trio[1]!];
  });
}

const SERIES: Series[] = (table as unknown as { series: Series[] }).series.map((s) => ({
  ...s,
  points: smooth(s.points),
}));

/**
 * Which measured series stands in for a GPU without its own: the reference GPU of its interconnect
 * (NVLink: H100 SXM; PCIe: L40S, the one PCIe server GPU measured; Infinity Fabric: the AMD Instinct
 * custom all-reduce figures, whose GPU model the sources do not print).
 */
const REFERENCE_GPU: Record<string, string> = { nvlink: "h100-sxm", pcie: "l40s" };

/** Linear interpolation in log(bytes) over a series' points; clamped to its ends. */
function interpolate(points: readonly [number, number][], bytes: number): number {
  const first = points[0]!;
  if (bytes <= first[0]) return first[1];
  for (let i = 1; i < points.length; i++) {
    const [b1, v1] = points[i]!;
    if (bytes <= b1) {
      const [b0, v0] = points[i - 1]!;
      const f = Math.log(bytes / b0) / Math.log(b1 / b0);
      return v0 + f * (v1 - v0);
    }
  }
  return points[points.length - 1]![1];
}

/** The series for (gpu, kernel, ranks): exact ranks, else the nearest measured rank count above. */
function find(pred: (s: Series) => boolean, ranks: number): Series | null {
  const cands = SERIES.filter(pred);
  if (!cands.length) return null;
  const exact = cands.find((s) => s.ranks === ranks);
  if (exact) return exact;
  const above = cands.filter((s) => s.ranks > ranks).sort((a, b) => a.ranks - b.ranks)[0];
  return above ?? cands.sort((a, b) => b.ranks - a.ranks)[0]!;
}

export interface AllReduceLookup {
  /** Microseconds for a message of the series' largest size or less (interpolated). */
  series: Series;
  /** What was used, for people: "vllm on h100-sxm, 8 ranks". */
  label: string;
}

/**
 * The measured series for this GPU, kernel and rank count. Order: the engine's kernel on this GPU;
 * vLLM's custom kernel on it (the one-shot custom kernels behave alike); NCCL on it; then the same
 * three on the interconnect's reference GPU; then any series of the interconnect. Null when nothing
 * of the interconnect was measured (Intel Gaudi's scale-out Ethernet).
 */
export function allReduceSeries(
  gpu: DeviceEntry,
  kernel: AllReduceKernel,
  ranks: number,
): AllReduceLookup | null {
  const kinds: AllReduceKernel[] = [kernel, "vllm", "nccl"];
  const gpus = [gpu.id, REFERENCE_GPU[gpu.interconnect.kind]].filter((g): g is string => Boolean(g));
  for (const g of gpus) {
    for (const k of kinds) {
      const s = find((x) => x.gpu === g && x.kernel === k, ranks);
      if (s) return { series: s, label: `${k} on ${g}, ${s.ranks} ranks` };
    }
  }
  const s = find((x) => x.interconnect === gpu.interconnect.kind, ranks);
  return s ? { series: s, label: `${s.kernel} on ${gpu.interconnect.kind}, ${s.ranks} ranks` } : null;
}

/**
 * One all-reduce of `bytes` over `ranks` GPUs, µs: the measured latency up to the largest message of
 * `series`, plus the ring's bandwidth term for the bytes beyond it; `fallbackUs` plus that term when
 * no series covers the interconnect. 0 for a single rank.
 */
export function allReduceUsOf(
  series: Series | null,
  ranks: number,
  bytes: number,
  linkBytesPerS: number,
  fallbackUs: number,
): number {
  if (ranks <= 1) return 0;
  const pts = series?.points;
  const maxBytes = pts ? pts[pts.length - 1]![0] : 0;
  const base = pts ? interpolate(pts, bytes) : fallbackUs;
  const extra = Math.max(0, bytes - maxBytes);
  return base + (((2 * (ranks - 1)) / ranks) * extra * 1e6) / linkBytesPerS;
}

/** allReduceUsOf with the series looked up for this GPU, kernel and rank count. */
export function allReduceUs(
  gpu: DeviceEntry,
  kernel: AllReduceKernel,
  ranks: number,
  bytes: number,
  linkBytesPerS: number,
  fallbackUs: number,
): number {
  if (ranks <= 1) return 0;
  return allReduceUsOf(
    allReduceSeries(gpu, kernel, ranks)?.series ?? null,
    ranks,
    bytes,
    linkBytesPerS,
    fallbackUs,
  );
}
