// `npm run docs:screenshot`: regenerate the example reports (examples/report/) with the built CLI,
// and the README's screenshot of one (docs/img/report.png) with headless Chromium (Debian's
// `chromium`). Chromium runs with its own profile in a temporary folder and reaches nothing
// beyond loopback (a proxy on a closed port, no DNS); the page loads nothing anyway.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PNG } from "pngjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin/llmdeploy.js");
const env = { ...process.env, NO_COLOR: "1", CI: "true" };

/** The example reports: file name and the command that writes it (kept in step with test/e2e/examples.test.ts). */
export const EXAMPLE_REPORTS = [
  ["chat-7b.html", ["plan", "--config", "examples/specs/chat-7b.yaml"]],
  ["llama-3.1-8b-l4.html", ["estimate", "llama-3.1-8b", "--gpu", "l4"]],
];

mkdirSync(join(root, "examples/report"), { recursive: true });
for (const [file, args] of EXAMPLE_REPORTS) {
  const out = join(root, "examples/report", file);
  execFileSync(process.execPath, [bin, ...args, "--report", out], {
    cwd: root,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const work = mkdtempSync(join(tmpdir(), "llmdeploy-docs-screenshot-"));
try {
  const shot = join(work, "report.png");
  execFileSync(
    "chromium",
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      `--user-data-dir=${join(work, "profile")}`,
      `--proxy-server=http://127.0.0.1:${port}`,
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
      "--no-first-run",
      "--disable-background-networking",
      "--hide-scrollbars",
      "--window-size=1000,1500",
      `--screenshot=${shot}`,
      pathToFileURL(join(root, "examples/report/chat-7b.html")).href,
    ],
    { env: { ...process.env, HOME: work, TMPDIR: work }, stdio: "ignore" },
  );
  // Re-encode without the alpha channel, with each channel rounded to 32 levels (invisible at this
  // size; anti-aliased edges then repeat), at the highest compression: about half the bytes.
  const img = PNG.sync.read(readFileSync(shot));
  for (let i = 0; i < img.data.length; i++)
    if (i % 4 !== 3) img.data[i] = Math.min(255, Math.round(img.data[i] / 8) * 8);
  const png = PNG.sync.write(img, { colorType: 2, deflateLevel: 9 });
  mkdirSync(join(root, "docs/img"), { recursive: true });
  writeFileSync(join(root, "docs/img/report.png"), png);
  console.log(`docs/img/report.png: ${img.width}×${img.height}, ${Math.round(png.length / 1024)} KiB`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
