// `plan --report` and `estimate --report` end to end: the built CLI writes the page, and headless
// Chromium (Debian's `chromium`, installed by .ci/run) parses it, draws it, prints it to PDF, and
// reports every request the page makes: none but the file itself.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PNG } from "pngjs";
import { beforeAll, describe, expect, it } from "vitest";
import { chromium, pageRequests } from "../tools/chromium.js";
import { ROOT } from "../tools/render.js";
import { externalRefs, tags } from "../tools/report.js";
import { cli, requireTool } from "./helpers.js";

const work = mkdtempSync(join(tmpdir(), "llmdeploy-report-e2e-"));
const planHtml = join(work, "plan.html");
const estHtml = join(work, "estimate.html");
const listHtml = join(work, "estimate-list.html");

beforeAll(async () => {
  const p = await cli(["plan", "--config", join(ROOT, "examples/specs/chat-7b.yaml"), "--report", planHtml]);
  expect(p.exitCode, p.stderr).toBe(0);
  expect(p.stderr).toContain(`wrote the report ${planHtml}`);
  const e = await cli(["estimate", "llama-3.1-8b", "--gpu", "l4", "--report", estHtml]);
  expect(e.exitCode, e.stderr).toBe(0);
  const l = await cli(["estimate", "70b", "--int4", "--report", listHtml], { cwd: work });
  expect(l.exitCode, l.stderr).toBe(0);
}, 60_000);

describe("the CLI writes the report", () => {
  it("plan --report and estimate --report write self-contained pages", () => {
    for (const f of [planHtml, estHtml, listHtml]) {
      const html = readFileSync(f, "utf8");
      expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
      expect(externalRefs(html), f).toEqual([]);
    }
    // nothing else in the folder: the temporary file was renamed into place
    expect(readdirSync(work).filter((n) => n.includes("llmdeploy-tmp"))).toEqual([]);
  });

  it("a bad path: one line and a hint, exit 1, nothing written, before any work", async () => {
    for (const args of [
      ["estimate", "8b", "--report", join(work, "no-such-folder", "r.html")],
      ["plan", "--model", "8b", "--defaults", "--report", join(work, "no-such-folder", "r.html")],
      ["plan", "--model", "8b", "--defaults", "--report", work],
    ]) {
      const r = await cli(args);
      expect(r.exitCode, args.join(" ")).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(2);
      expect(r.stderr).toMatch(/^error: --report .* (does not exist|is a folder)\nhint: /);
    }
    expect(existsSync(join(work, "no-such-folder"))).toBe(false);
  });

  it("refuses to overwrite a file that is not a report, and replaces an earlier report", async () => {
    const mine = join(work, "mine.html");
    writeFileSync(mine, "<p>my own page</p>");
    const r = await cli(["estimate", "8b", "--report", mine]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("exists and is not an llmdeploy report: not overwritten");
    expect(readFileSync(mine, "utf8")).toBe("<p>my own page</p>");
    const again = await cli(["estimate", "llama-3.1-8b", "--gpu", "l4", "--report", estHtml]);
    expect(again.exitCode).toBe(0);
  });

  it("plan --out DIR --dry-run --report writes no report", async () => {
    const r = await cli([
      "plan",
      "--model",
      "8b",
      "--defaults",
      "--out",
      join(work, "deploy"),
      "--dry-run",
      "--report",
      join(work, "dry.html"),
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("--dry-run: would write the report");
    expect(existsSync(join(work, "dry.html"))).toBe(false);
  });

  it("estimate --gpu prints the ledger bar: block characters in a UTF-8 locale, ASCII otherwise", async () => {
    const utf8 = await cli(["estimate", "llama-3.1-8b", "--gpu", "l4"], {
      env: { LANG: "C.UTF-8", LC_ALL: "", LC_CTYPE: "" },
    });
    const bar = utf8.stdout.split("\n").find((l) => l.startsWith("  [█"))!;
    expect(bar.length).toBeLessThanOrEqual(80);
    expect(utf8.stdout).toMatch(
      /^ {2}█ weights 15\.0 ▓ act \d+\.\d ▒ graphs \d+\.\d ░ KV \d+\.\d · free \d+\.\d GiB of \d+\.\d$/m,
    );
    const ascii = await cli(["estimate", "llama-3.1-8b", "--gpu", "l4"], {
      env: { LANG: "C", LC_ALL: "", LC_CTYPE: "" },
    });
    expect(ascii.stdout).toMatch(/^ {2}\[#+=*\+*-+\.*\]$/m);
    expect(ascii.stdout).toMatch(/^ {2}# weights 15\.0 = act/m);
  });
});

describe("the report in headless Chromium", () => {
  it("parses to a DOM with every chart's SVG and its marks", async (ctx) => {
    await requireTool("chromium", ctx);
    const r = await chromium(work, ["--dump-dom", pathToFileURL(planHtml).href]);
    expect(r.exitCode).toBe(0);
    const t = tags(r.stdout);
    const svgs = t.filter((x) => x.name === "svg" && !x.close).map((x) => x.attrs.id);
    expect(svgs).toEqual(["ledger", "bands", "kv", "cost-tpot", "cost-ttft"]);
    // the marks of each chart survived parsing: ledger segments, band intervals, the capacity line, points
    expect(t.filter((x) => x.name === "rect" && x.attrs["data-key"] === "weights").length).toBeGreaterThan(0);
    expect(t.filter((x) => x.attrs.class === "band").length).toBe(4);
    expect(t.filter((x) => x.attrs.class === "capacity").length).toBe(1);
    expect(t.filter((x) => x.name === "g" && (x.attrs.class ?? "").includes("chosen")).length).toBe(2);
    // and nothing that loads: no script, no external reference in what the browser built
    expect(externalRefs(r.stdout)).toEqual([]);
    const est = await chromium(work, ["--dump-dom", pathToFileURL(listHtml).href]);
    expect(
      tags(est.stdout)
        .filter((x) => x.name === "svg" && !x.close)
        .map((x) => x.attrs.id),
    ).toEqual(["ledgers", "cost-tpot", "bands"]);
  });

  it("draws it: the screenshot is not blank", async (ctx) => {
    await requireTool("chromium", ctx);
    for (const [f, h] of [
      [planHtml, 3600],
      [estHtml, 2400],
    ] as const) {
      const png = join(work, `${f.endsWith("plan.html") ? "plan" : "est"}.png`);
      const r = await chromium(work, [
        `--screenshot=${png}`,
        "--window-size=1000," + h,
        pathToFileURL(f).href,
      ]);
      expect(r.exitCode).toBe(0);
      const img = PNG.sync.read(readFileSync(png));
      const colours = new Set<number>();
      let ink = 0;
      for (let i = 0; i < img.data.length; i += 4) {
        const [R, G, B] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
        colours.add((R << 16) | (G << 8) | B);
        if (R + G + B < 600) ink++;
      }
      const share = ink / (img.width * img.height);
      // The charts' fills (blue weights, green KV cache, orange markers) and the text: a page of text
      // alone has few colours; a blank one none but white.
      expect(colours.size, f).toBeGreaterThan(64);
      expect(share, f).toBeGreaterThan(0.03);
      const has = (r: number, g: number, b: number) => colours.has((r << 16) | (g << 8) | b);
      expect(has(0x00, 0x72, 0xb2) || has(0x00, 0x9e, 0x73), `${f}: the ledger's fills are drawn`).toBe(true);
    }
  });

  it("prints it to a PDF", async (ctx) => {
    await requireTool("chromium", ctx);
    const pdf = join(work, "plan.pdf");
    const r = await chromium(work, [
      `--print-to-pdf=${pdf}`,
      "--no-pdf-header-footer",
      pathToFileURL(planHtml).href,
    ]);
    expect(r.exitCode).toBe(0);
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(statSync(pdf).size).toBeGreaterThan(20_000);
    // more than one page: the report is long, and each chart is kept whole on one
    expect((bytes.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length).toBeGreaterThan(1);
  });

  it("makes no network request: the page requests itself and nothing else", async (ctx) => {
    await requireTool("chromium", ctx);
    // The check can see a request: a page with an external image makes one.
    const bad = join(work, "bad.html");
    writeFileSync(bad, '<!DOCTYPE html><p>x</p><img src="http://example.invalid/x.png">');
    const seen = await pageRequests(work, pathToFileURL(bad).href);
    expect(seen.sent).toContain("http://example.invalid/x.png");
    for (const f of [planHtml, estHtml, listHtml]) {
      const r = await pageRequests(work, pathToFileURL(f).href);
      expect(r, f).toEqual({ sent: [pathToFileURL(f).href], blocked: [] });
    }
    // And the page's Content-Security-Policy stops one even if something slipped in.
    const injected = join(work, "injected.html");
    writeFileSync(
      injected,
      readFileSync(planHtml, "utf8").replace("<main>", '<main><img src="http://example.invalid/y.png">'),
    );
    const blocked = await pageRequests(work, pathToFileURL(injected).href);
    expect(blocked.sent).toEqual([pathToFileURL(injected).href]);
    expect(blocked.blocked).toEqual(["http://example.invalid/y.png"]);
  });
});
