/**
 * Timers that accept any delay. Node's setTimeout takes at most 2^31 − 1 ms (about 24.8 days):
 * "When delay is larger than 2147483647 or less than 1, the delay will be set to 1"
 * (https://nodejs.org/api/timers.html#settimeoutcallback-delay-args), so a longer delay would fire
 * at once. These chain timers of at most that length instead; a delay that is not a finite number
 * (Infinity: "never") waits until cancelled.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface Timer {
  clear(): void;
}

/** Run `fn` once after `ms` (clamped at 0 from below); `clear()` cancels it. */
export function after(ms: number, fn: () => void): Timer {
  let handle: ReturnType<typeof setTimeout> | null = null;
  const until = performance.now() + Math.max(0, ms);
  const arm = () => {
    const left = until - performance.now();
    if (Number.isNaN(left)) return;
    if (left <= MAX_TIMER_MS) handle = setTimeout(fn, Math.max(0, left));
    else handle = setTimeout(arm, MAX_TIMER_MS);
  };
  arm();
  return {
    clear: () => {
      if (handle !== null) clearTimeout(handle);
      handle = null;
    },
  };
}

/** Sleep `ms`, or until `stop` aborts; the abort listener never outlives the sleep. */
export function sleep(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted) return resolve();
    const done = () => {
      t.clear();
      stop.removeEventListener("abort", done);
      resolve();
    };
    const t = after(ms, done);
    stop.addEventListener("abort", done);
  });
}
