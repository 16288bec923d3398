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
