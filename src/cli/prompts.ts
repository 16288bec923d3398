/**
 * Every interactive question llmdeploy asks lives here, behind `canPrompt()`: prompts run only on a
 * terminal (stdin and stdout TTYs) and never when CI is set. @inquirer/prompts is imported on first
 * use, so commands that never ask never load it.
 */
import { UserError } from "../errors.js";

/** CI set to anything but "" or "false" (CI=false is how some runners switch it off). */
const ciSet = (): boolean => {
  const ci = process.env.CI;
  return !(ci === undefined || ci === "" || ci === "false");
};

export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !ciSet();
}

/** Thrown when a prompt would be needed but cannot run: names the flag to pass instead. */
export function noTtyError(flags: string[]): UserError {
  const why = ciSet() ? "CI is set" : "no terminal (stdin/stdout is not a TTY)";
  return new UserError(
    `missing ${flags.join(", ")} (${why}, so llmdeploy does not prompt)`,
    `pass ${flags.join(" and ")}, a spec with --config spec.yaml, or --defaults to use the documented defaults`,
  );
}

const inquirer = () => import("@inquirer/prompts");

/** Ctrl-C inside a prompt: a clean exit, not a stack trace. */
async function guard<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof Error && e.name === "ExitPromptError") throw new UserError("cancelled", undefined, 130);
    throw e;
  }
}

export async function askSearch(
  message: string,
  choices: { name: string; value: string; description?: string }[],
): Promise<string> {
  const { search } = await inquirer();
  return guard(
    search({
      message,
      source: (term) => {
        const q = (term ?? "").toLowerCase();
        const hits = choices.filter((c) => !q || c.name.toLowerCase().includes(q) || c.value.includes(q));
        // Anything typed that is not in the list is still a valid answer (an HF id or a path).
        if (q && !hits.some((h) => h.value === term)) hits.push({ name: `${term} (as typed)`, value: term! });
        return hits.slice(0, 30);
      },
      pageSize: 12,
    }),
  );
}

export async function askNumber(
  message: string,
  dflt: number | null,
  opts: { allowNone?: boolean; integer?: boolean } = {},
): Promise<number | null> {
  const { input } = await inquirer();
  const answer = await guard(
    input({
      message: opts.allowNone ? `${message} (blank: none)` : message,
      default: dflt === null ? undefined : String(dflt),
      validate: (v) => {
        if (opts.allowNone && v.trim() === "") return true;
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) return "a positive number";
        if (opts.integer && !Number.isInteger(n)) return "a whole number";
        return true;
      },
    }),
  );
  return answer.trim() === "" ? null : Number(answer);
}

export async function askSelect<T extends string>(
  message: string,
  choices: { name: string; value: T; description?: string }[],
  dflt?: T,
): Promise<T> {
  const { select } = await inquirer();
  return guard(select({ message, choices, default: dflt }));
}

export async function askCheckbox(
  message: string,
  choices: { name: string; value: string; checked?: boolean }[],
): Promise<string[]> {
  const { checkbox } = await inquirer();
  return guard(checkbox({ message, choices, pageSize: 12 }));
}

export async function askConfirm(message: string, dflt: boolean): Promise<boolean> {
  const { confirm } = await inquirer();
  return guard(confirm({ message, default: dflt }));
}
