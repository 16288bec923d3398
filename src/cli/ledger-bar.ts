/**
 * The per-GPU memory ledger as one line of text for `estimate --gpu`: a bar whose characters are
 * shared out between weights, the activation peak with non-torch memory, CUDA graphs, the KV cache
 * and what is free, in proportion to their bytes, and a legend line with the figures. Block
 * characters on a UTF-8 terminal, plain ASCII elsewhere; the categories differ by character, not by
 * colour, so the bar reads the same with NO_COLOR and in a log file. Pure.
 */

export interface BarLedger {
  totalBytes: number;
  weightsBytes: number;
  activationBytes: number;
  nonTorchBytes: number;
  cudaGraphBytes: number;
  /** Negative when nothing is left for a KV cache (does not fit). */
  kvCacheBytes: number;
}

interface Part {
  name: string;
  glyph: string;
  bytes: number;
}

const GLYPHS = {
  unicode: { weights: "█", act: "▓", graphs: "▒", kv: "░", free: "·", over: "!" },
  ascii: { weights: "#", act: "=", graphs: "+", kv: "-", free: ".", over: "!" },
} as const;

/**
 * `total` characters shared out in proportion to `sizes` by largest remainder (Hamilton's method):
 * each gets the floor of its exact share, then the characters left go to the largest fractions, so
 * the counts always add up to `total`.
 */
export function apportion(sizes: readonly number[], total: number): number[] {
  const sum = sizes.reduce((s, x) => s + Math.max(0, x), 0);
  if (sum <= 0 || total <= 0) return sizes.map(() => 0);
  const exact = sizes.map((x) => (Math.max(0, x) / sum) * total);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((s, x) => s + x, 0);
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    counts[i]!++;
    left--;
  }
  return counts;
}

const g1 = (bytes: number) => (bytes / 1024 ** 3).toFixed(1);

/**
 * Two lines at most `width` characters wide: the bar in brackets, then the legend, e.g.
 * `[██████████▓░░░░░░░░░··]` and `█ weights 37.0 ▓ act 2.2 ▒ graphs 0.4 ░ KV 33.2 · free 6.3 GiB of 79.2`.
 * When the ledger does not fit, the bar covers what is needed and the characters beyond the
 * capacity are `!`, and the legend says how much is missing.
 */
export function ledgerBar(l: BarLedger, opts: { width: number; unicode: boolean }): [string, string] {
  const g = opts.unicode ? GLYPHS.unicode : GLYPHS.ascii;
  const kv = Math.max(0, l.kvCacheBytes);
  const used = l.weightsBytes + l.activationBytes + l.nonTorchBytes + l.cudaGraphBytes + kv;
  const parts: Part[] = [
    { name: "weights", glyph: g.weights, bytes: l.weightsBytes },
    { name: "act", glyph: g.act, bytes: l.activationBytes + l.nonTorchBytes },
    { name: "graphs", glyph: g.graphs, bytes: l.cudaGraphBytes },
    { name: "KV", glyph: g.kv, bytes: kv },
    { name: "free", glyph: g.free, bytes: Math.max(0, l.totalBytes - used) },
  ];
  const full = Math.max(l.totalBytes, used);
  const inner = Math.max(10, opts.width - 2);
  const counts = apportion(
    parts.map((p) => p.bytes),
    inner,
  );
  let bar = parts.map((p, i) => p.glyph.repeat(counts[i]!)).join("");
  const over = used - l.totalBytes;
  if (over > 0) {
    const at = Math.round((l.totalBytes / full) * inner);
    bar = [...bar].map((ch, i) => (i >= at ? g.over : ch)).join("");
  }
  const entries = parts
    .filter((p) => p.name !== "graphs" || p.bytes > 0)
    .filter((p) => p.name !== "free" || over <= 0)
    .map((p) => `${p.glyph} ${p.name} ${g1(p.bytes)}`);
  if (over > 0) entries.push(`${g.over} short by ${g1(over)}`);
  let legend = `${entries.join(" ")} GiB of ${g1(l.totalBytes)}`;
  // Narrow terminals: drop the glyphs' spaces, then the "of" part, rather than wrap.
  if (legend.length > opts.width)
    legend = `${entries.map((e) => e.replace(/^(\S) /, "$1")).join(" ")} GiB of ${g1(l.totalBytes)}`;
  if (legend.length > opts.width) legend = `${entries.map((e) => e.replace(/^(\S) /, "$1")).join(" ")} GiB`;
  return [`[${bar}]`, legend];
}
