// Start-up benchmark: wall time of CLI commands next to `node -e 0`, median of N runs.
// Prints figures; it does not fail (performance is judged by reading them, not by a timed test).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../bin/llmdeploy.js", import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 15);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(args) {
  const samples = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    if (i >= 2) samples.push(ms); // first two warm the file cache
  }
  return median(samples);
}

const baseline = time(["-e", "0"]);
const cases = [
  { name: "llmdeploy estimate 70b --int4", args: [bin, "estimate", "70b", "--int4"], target: 1.5 },
  {
    name: "llmdeploy estimate 70b --int4 --json",
    args: [bin, "estimate", "70b", "--int4", "--json"],
    target: 1.5,
  },
  {
    name: "llmdeploy plan --model 70b --defaults",
    args: [bin, "plan", "--model", "70b", "--defaults"],
    target: 2,
  },
];
console.log(`runs per command: ${runs} (median wall time)`);
console.log(`node -e 0                               ${baseline.toFixed(1).padStart(7)} ms`);
for (const c of cases) {
  const ms = time(c.args);
  const ratio = ms / baseline;
  console.log(
    `${c.name.padEnd(40)}${ms.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2)}× node -e 0  (target ≤ ${c.target}×: ${ratio <= c.target ? "met" : "NOT met"})`,
  );
}

// The load client must not be the bottleneck: 256 concurrent streams at 20 ms per token against a
// fake server on loopback, and the CPU the client used for it. The client runs asynchronously: the
// fake server lives in this process's event loop.
const { startFakeServer } = await import("../test/fixtures/fake-openai-server.mjs");
const { execFile } = await import("node:child_process");
const server = await startFakeServer({ ttftMs: 50, itlMs: 20 });
const args = [
  "bench",
  "--url",
  server.url,
  "--concurrency",
  "256",
  "--requests",
  "1024",
  "--output-tokens",
  "64",
];
const r = await new Promise((resolve) =>
  execFile(
    process.execPath,
    [bin, ...args, "--json"],
    { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 24 },
    (err, stdout, stderr) => resolve({ status: err ? (err.code ?? 1) : 0, stdout, stderr }),
  ),
);
await server.close();
if (r.status !== 0) throw new Error(`bench exited ${r.status}: ${r.stderr}`);
const b = JSON.parse(r.stdout);
console.log(
  `llmdeploy bench, 256 streams x 64 tokens at 20 ms/token: ${b.requests} requests in ${b.durationS.toFixed(1)} s, ` +
    `${Math.round(b.outputTokensPerSec)} tokens/s; client CPU ${b.clientCpuSeconds.toFixed(2)} s = ` +
    `${(b.clientCpuShare * 100).toFixed(0)} % of one core (target < 100 %: ${b.clientCpuShare < 1 ? "met" : "NOT met"})`,
);
