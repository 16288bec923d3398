import { afterEach, describe, expect, it, vi } from "vitest";
import { after, MAX_TIMER_MS, sleep } from "../../src/bench/timer.js";

describe("timers past 2^31 − 1 ms", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a delay over 24.8 days fires at its time, not at once (setTimeout alone fires after 1 ms)", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const fired: number[] = [];
    // 3,000,000 s, the --timeout of the report: 3e9 ms > 2^31 − 1 = 2,147,483,647 ms
    after(3e9, () => fired.push(performance.now()));
    vi.advanceTimersByTime(MAX_TIMER_MS);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(3e9 - MAX_TIMER_MS - 1);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired.length).toBe(1);
  });

  it("cleared, it never fires; Infinity waits until cleared; a sleep ends when its signal aborts", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    let n = 0;
    after(10, () => n++).clear();
    const forever = after(Infinity, () => n++);
    vi.advanceTimersByTime(10 * MAX_TIMER_MS);
    expect(n).toBe(0);
    forever.clear();
    const stop = new AbortController();
    const slept = sleep(1e12, stop.signal);
    stop.abort();
    await slept;
  });
});
