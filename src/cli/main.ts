/**
 * The CLI entry: commander wiring only. Each command's module is imported when it runs, so
 * `estimate` never loads what `plan` needs. Errors end here: a UserError prints one line and a
 * hint to stderr; anything else prints one line too, with the stack only under --debug.
 */
import { CommanderError } from "commander";
import { UserError } from "../errors.js";
import { flagFor } from "./flags.js";
import { ce } from "./output.js";
import { createProgram, type Dispatch } from "./program.js";
import { printable } from "./safe-text.js";

const debug = process.argv.includes("--debug");

// `llmdeploy ... | head`: the reader closing early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
}

// Every error line goes through printable(): one line, no control characters or escape sequences,
// no JSON context quoted from a file, bounded length, whatever the message was built from.
function fail(message: string, hint?: string, code = 1): never {
  process.stderr.write(`${ce.red("error:")} ${printable(message)}\n`);
  if (hint) process.stderr.write(`${ce.dim("hint:")} ${printable(hint)}\n`);
  process.exit(code);
}

interface ZodLikeIssue {
  path: PropertyKey[];
  message: string;
}
// Classic zod throws "ZodError", zod/mini "$ZodError"; both carry `issues`.
const isZodError = (e: unknown): e is { issues: ZodLikeIssue[] } =>
  typeof e === "object" &&
  e !== null &&
  /ZodError$/.test((e as { name?: string }).name ?? "") &&
  Array.isArray((e as { issues?: unknown }).issues);

function handle(e: unknown): never {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  if (debug && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  if (e instanceof UserError) {
    const flag = e.field ? flagFor(e.field) : null;
    fail(flag && !e.message.includes(flag) ? `${e.message} (${flag})` : e.message, e.hint, e.exitCode);
  }
  if (isZodError(e)) {
    for (const i of e.issues) {
      const field = i.path.length
        ? `--${String(i.path.join(".")).replace(/[A-Z]/g, (m) => "-" + m.toLowerCase())}`
        : "input";
      process.stderr.write(`${ce.red("error:")} ${printable(`${field}: ${i.message}`)}\n`);
    }
    fail("invalid options", "see --help for the accepted values");
  }
  const msg = e instanceof Error ? e.message : String(e);
  fail(
    `internal error: ${msg.split("\n")[0]}`,
    debug ? undefined : "rerun with --debug for the stack trace, and report it",
  );
}

/** Each command's module, loaded when it runs. */
const dispatch: Dispatch = {
  estimate: async (model, opts) => (await import("./estimate.js")).runEstimate(model, opts),
  models: async (opts) => (await import("./catalogs.js")).runModels(opts),
  gpus: async (opts) => (await import("./catalogs.js")).runGpus(opts),
  plan: async (opts) => (await import("./plan.js")).runPlan(opts),
  schema: async (kind) => (await import("./schema.js")).runSchema(kind),
  completion: async (shell, program) => {
    const { completionScript } = await import("./completion.js");
    process.stdout.write(completionScript(program, shell));
  },
  render: async (plan, opts) => (await import("./render.js")).runRender(plan, opts),
  bench: async (opts) => (await import("./bench.js")).runBench(opts),
  verify: async (opts) => (await import("./verify.js")).runVerify(opts),
  calibrate: async (opts) => (await import("./calibrate.js")).runCalibrate(opts),
};

/** The one exit point for a command that returns: its code (0 when it returns nothing). */
const setExit = async (p: Promise<number | void>): Promise<number | void> => {
  const code = await p;
  if (typeof code === "number" && code !== 0) process.exitCode = code;
  return code;
};

createProgram(dispatch, setExit).parseAsync(process.argv).catch(handle);
