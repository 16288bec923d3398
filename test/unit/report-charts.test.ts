// The report's chart arithmetic (src/report/*.ts) and the terminal ledger bar (src/cli/ledger-bar.ts),
// each pinned to values worked out by hand.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { apportion, ledgerBar } from "../../src/cli/ledger-bar.js";
import { unicodeOn } from "../../src/cli/output.js";
import { bandRange } from "../../src/report/bands.js";
import { overflowBytes, segments } from "../../src/report/ledger-bar.js";
import { paretoFront } from "../../src/report/pareto.js";
import { sequencesThatFit } from "../../src/report/kv-capacity.js";
import { esc, scale } from "../../src/report/svg.js";

const GiB = 1024 ** 3;

describe("error band ranges", () => {
  it("|measured / predicted − 1| ≤ band: [v(1 − b), v(1 + b)], the low end at least 0", () => {
    // 206 ms ± 75 %: 206 × 0.25 = 51.5, 206 × 1.75 = 360.5
    expect(bandRange(206, 0.75)).toEqual([51.5, 360.5]);
    // TensorRT-LLM's TPOT band is ±120 %: 10 ms -> [0, 22]
    expect(bandRange(10, 1.2)[0]).toBe(0);
    expect(bandRange(10, 1.2)[1]).toBeCloseTo(22, 10);
  });
});

describe("the Pareto front (lower cost and lower latency are better)", () => {
  it("keeps what nothing beats on both", () => {
    // chat-7b: A100 $1.60 / 19.8 ms, H100 $2.69 / 10.7 ms, A10G $2.01 / 37.8 ms, and a $3 / 30 ms point.
    // The A10G is beaten by the A100 (cheaper and faster), the $3 one by the H100; A100 and H100 trade.
    const pts = [
      { n: 1, cost: 1.6, latency: 19.8 },
      { n: 2, cost: 2.69, latency: 10.7 },
      { n: 3, cost: 2.01, latency: 37.8 },
      { n: 4, cost: 3, latency: 30 },
    ];
    expect(paretoFront(pts)).toEqual([2, 1]);
    // a tie on both keeps both; equal cost and slower is beaten
    expect(
      paretoFront([
        { n: 1, cost: 1, latency: 5 },
        { n: 2, cost: 1, latency: 5 },
      ]),
    ).toEqual([1, 2]);
    expect(
      paretoFront([
        { n: 1, cost: 1, latency: 5 },
        { n: 2, cost: 1, latency: 6 },
      ]),
    ).toEqual([1]);
  });

  it("no point of the front is beaten by any point (property)", () => {
    const pt = fc.record({ cost: fc.integer({ min: 1, max: 20 }), latency: fc.integer({ min: 1, max: 20 }) });
    fc.assert(
      fc.property(fc.array(pt, { minLength: 1, maxLength: 12 }), (raw) => {
        const pts = raw.map((p, i) => ({ ...p, n: i + 1 }));
        const front = paretoFront(pts);
        expect(front.length).toBeGreaterThan(0);
        for (const n of front) {
          const p = pts[n - 1]!;
          expect(
            pts.some(
              (q) => q.cost <= p.cost && q.latency <= p.latency && (q.cost < p.cost || q.latency < p.latency),
            ),
          ).toBe(false);
        }
        // and every point left out is beaten by one
        for (const p of pts.filter((x) => !front.includes(x.n)))
          expect(
            pts.some(
              (q) => q.cost <= p.cost && q.latency <= p.latency && (q.cost < p.cost || q.latency < p.latency),
            ),
          ).toBe(true);
      }),
      { seed: 7 },
    );
  });
});

describe("the ledger bar's segments", () => {
  const l = {
    totalBytes: 100 * GiB,
    budgetBytes: 90 * GiB,
    budgetSetting: null,
    weightsBytes: 50 * GiB,
    activationBytes: 5 * GiB,
    nonTorchBytes: 1 * GiB,
    cudaGraphBytes: 4 * GiB,
    kvCacheBytes: 25 * GiB,
  };
  it("what is left splits into free inside the budget and outside it", () => {
    // used 50 + 5 + 1 + 4 + 25 = 85 GiB: 90 − 85 = 5 free in the budget, 100 − 90 = 10 outside
    const s = Object.fromEntries(segments(l).map((x) => [x.key, x.bytes / GiB]));
    expect(s).toEqual({
      weights: 50,
      activations: 5,
      nonTorch: 1,
      cudaGraphs: 4,
      kvCache: 25,
      free: 5,
      reserved: 10,
    });
  });
  it("CUDA graphs outside the budget (vLLM before 0.21): what is left is counted from the total", () => {
    // used 50 + 5 + 1 + 4 + 33 = 93 > the 90 budget: nothing free in it, 100 − 93 = 7 outside
    const s = Object.fromEntries(
      segments({ ...l, kvCacheBytes: 33 * GiB }).map((x) => [x.key, x.bytes / GiB]),
    );
    expect([s.free, s.reserved]).toEqual([0, 7]);
  });
  it("a ledger that does not fit: no KV cache, the overflow beyond the capacity", () => {
    const big = { ...l, weightsBytes: 130 * GiB, kvCacheBytes: -40 * GiB };
    // 130 + 5 + 1 + 4 = 140 GiB needed of 100
    expect(overflowBytes(big) / GiB).toBe(40);
    expect(segments(big).find((x) => x.key === "kvCache")!.bytes).toBe(0);
  });
});

describe("scales and escaping", () => {
  it("ticks at round steps covering the domain", () => {
    // 0–79.15 GiB in about 6 steps: 79.15 / 6 = 13.2 -> step 20 -> 0, 20, 40, 60, 80
    expect(scale(0, 79.15, 0, 100, { count: 6 }).ticks).toEqual([0, 20, 40, 60, 80]);
    const s = scale(0, 79.15, 0, 100, { count: 6 });
    expect(s(40)).toBe(50);
    // log: 70–2000 ms -> 50 … 2000 in 1-2-5 steps
    expect(scale(70, 2000, 0, 1, { log: true }).ticks).toEqual([50, 100, 200, 500, 1000, 2000]);
  });
  it("esc leaves no markup character and no // in text", () => {
    expect(esc(`<a href="https://x">'&'</a>`)).toBe(
      "&#60;a href=&#34;https:&#47;&#47;x&#34;&#62;&#39;&#38;&#39;&#60;&#47;a&#62;",
    );
    // controls and bidirectional overrides are dropped (src/sanitize.ts)
    expect(esc("a\u0000b\u202ec")).toBe("abc");
  });
  it("KV sequences: capacity over tokens per sequence", () => {
    // chat-7b on an A100: 1,075,872 tokens / 8192 = 131.33 sequences
    expect(sequencesThatFit(1075872, 8192)).toBeCloseTo(131.33, 2);
  });
});

describe("the terminal ledger bar (estimate --gpu)", () => {
  // llama-3.1-8b on an L4 (vLLM 0.28): the estimate's ledger, GiB
  const l4 = {
    totalBytes: 21.96 * GiB,
    weightsBytes: 14.96 * GiB,
    activationBytes: 0.46 * GiB,
    nonTorchBytes: 0.2 * GiB,
    cudaGraphBytes: 0.44 * GiB,
    kvCacheBytes: 4.15 * GiB,
  };

  it("characters in proportion to bytes, by largest remainder", () => {
    // [3, 1] over 10: exact 7.5 and 2.5 -> 7 + 2, the spare one to the first (ties by order)
    expect(apportion([3, 1], 10)).toEqual([8, 2]);
    // [1, 1, 1] over 10: 3.33 each -> 3, 3, 3 and one more to the first
    expect(apportion([1, 1, 1], 10)).toEqual([4, 3, 3]);
    fc.assert(
      fc.property(
        fc.array(fc.nat(1000), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 200 }),
        (xs, n) => {
          const c = apportion(xs, n);
          expect(c.reduce((a, b) => a + b, 0)).toBe(xs.some((x) => x > 0) ? n : 0);
          // each count is its exact share rounded down or up
          const sum = xs.reduce((a, b) => a + b, 0);
          xs.forEach((x, i) => sum > 0 && expect(Math.abs(c[i]! - (x / sum) * n)).toBeLessThan(1));
        },
      ),
      { seed: 3 },
    );
  });

  it("fits 80 columns with the two-space indent, block characters on UTF-8, ASCII otherwise", () => {
    const [bar, legend] = ledgerBar(l4, { width: 78, unicode: true });
    expect(bar.length).toBe(78);
    expect(legend.length).toBeLessThanOrEqual(78);
    // 14.96 of 21.96 GiB over 76 characters: 51.8 -> 51 or 52 weight characters
    expect((bar.match(/█/g) ?? []).length).toBeGreaterThanOrEqual(51);
    expect((bar.match(/█/g) ?? []).length).toBeLessThanOrEqual(52);
    expect(legend).toBe("█ weights 15.0 ▓ act 0.7 ▒ graphs 0.4 ░ KV 4.2 · free 1.8 GiB of 22.0");
    const [abar, alegend] = ledgerBar(l4, { width: 78, unicode: false });
    expect(abar).toMatch(/^\[#+=+\++-+\.+\]$/);
    expect(alegend).toBe("# weights 15.0 = act 0.7 + graphs 0.4 - KV 4.2 . free 1.8 GiB of 22.0");
    expect(/[^\x20-\x7e]/.test(abar + alegend)).toBe(false);
  });

  it("a ledger that does not fit: the part beyond the capacity is '!' and the legend says how much is missing", () => {
    const [bar, legend] = ledgerBar(
      { ...l4, weightsBytes: 30 * GiB, kvCacheBytes: -9 * GiB },
      { width: 60, unicode: true },
    );
    // needed 30 + 0.46 + 0.2 + 0.44 = 31.1 GiB of 21.96: 9.14 short; the last 29 % of the bar is '!'
    expect(legend).toMatch(/! ?short by 9\.1/);
    expect(bar.endsWith("!]")).toBe(true);
    expect((bar.match(/!/g) ?? []).length).toBe(58 - Math.round((21.96 / 31.1) * 58));
  });

  it("narrow terminals: the legend shrinks rather than wraps", () => {
    const [, legend] = ledgerBar(l4, { width: 60, unicode: true });
    expect(legend.length).toBeLessThanOrEqual(60);
  });

  it("UTF-8 from the locale (LC_ALL, then LC_CTYPE, then LANG)", () => {
    expect(unicodeOn({ LANG: "en_US.UTF-8" }, "linux")).toBe(true);
    expect(unicodeOn({ LC_ALL: "C", LANG: "en_US.UTF-8" }, "linux")).toBe(false);
    expect(unicodeOn({ LC_CTYPE: "C.utf8" }, "linux")).toBe(true);
    expect(unicodeOn({}, "linux")).toBe(false);
    expect(unicodeOn({ WT_SESSION: "1" }, "win32")).toBe(true);
  });
});
