/**
 * Headless Chromium for the report's end-to-end tests (Debian's `chromium`; .ci/apt-packages installs
 * it). Every run gets its own profile folder inside the test's temporary folder, and can reach
 * nothing beyond loopback: a proxy on a closed loopback port takes every request and DNS resolves
 * nothing. `pageRequests` drives Chromium over the DevTools protocol (--remote-debugging-pipe) to
 * list every request one page makes, which the command-line flags cannot show (Chromium's own
 * background requests belong to no page and are not listed).
 */
import { execa } from "execa";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Flags of every run: headless, its own profile, nothing beyond loopback, no first-run work. */
export async function baseFlags(profile: string): Promise<string[]> {
  return [
    "--headless",
    // Tests run as root in CI; the sandbox refuses root. The page is our own file.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    `--user-data-dir=${profile}`,
    `--proxy-server=http://127.0.0.1:${await closedPort()}`,
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pings",
    "--hide-scrollbars",
  ];
}

/** Run chromium with `args` after the base flags; its stdout. */
export async function chromium(dir: string, args: string[]): Promise<{ exitCode: number; stdout: string }> {
  const r = await execa("chromium", [...(await baseFlags(join(dir, "chromium-profile"))), ...args], {
    reject: false,
    timeout: 60_000,
    env: { HOME: dir, XDG_CONFIG_HOME: dir, XDG_CACHE_HOME: dir, TMPDIR: dir },
  });
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout) };
}

/**
 * The URLs the page at `url` requests while it loads (the document itself included), as the
 * DevTools protocol's Network.requestWillBeSent reports them for that page: `sent` went to the
 * network stack (here: the closed proxy), `blocked` were stopped by the page itself before that
 * (Network.loadingFailed with a blockedReason, e.g. "csp" for its Content-Security-Policy).
 */
export async function pageRequests(dir: string, url: string): Promise<{ sent: string[]; blocked: string[] }> {
  const args = [
    ...(await baseFlags(join(dir, "chromium-cdp-profile"))),
    "--remote-debugging-pipe",
    "about:blank",
  ];
  const child = spawn("chromium", args, {
    stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"],
    env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, XDG_CACHE_HOME: dir, TMPDIR: dir },
  });
  const toChrome = child.stdio[3] as Writable;
  const fromChrome = child.stdio[4] as Readable;
  let nextId = 1;
  const pending = new Map<number, (m: Record<string, unknown>) => void>();
  const listeners: ((m: Record<string, unknown>) => void)[] = [];
  let buf = "";
  fromChrome.on("data", (chunk: Buffer) => {
    buf += chunk.toString("utf8");
    let i: number;
    while ((i = buf.indexOf("\0")) >= 0) {
      const msg = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
      buf = buf.slice(i + 1);
      if (typeof msg.id === "number") pending.get(msg.id)?.(msg);
      else for (const l of listeners) l(msg);
    }
  });
  const send = (method: string, params: object = {}, sessionId?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (m) =>
        m.error
          ? reject(new Error(`${method}: ${JSON.stringify(m.error)}`))
          : resolve((m.result ?? {}) as Record<string, unknown>),
      );
      toChrome.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + "\0");
    });
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    const { targetInfos } = (await send("Target.getTargets")) as {
      targetInfos: { targetId: string; type: string }[];
    };
    const page = targetInfos.find((t) => t.type === "page")!;
    const { sessionId } = (await send("Target.attachToTarget", {
      targetId: page.targetId,
      flatten: true,
    })) as { sessionId: string };
    const urls = new Map<string, string>();
    const blocked = new Set<string>();
    let loaded!: () => void;
    const load = new Promise<void>((r) => (loaded = r));
    listeners.push((m) => {
      if (m.sessionId !== sessionId) return;
      const p = m.params as { requestId: string; request?: { url: string }; blockedReason?: string };
      if (m.method === "Network.requestWillBeSent") urls.set(p.requestId, p.request!.url);
      if (m.method === "Network.loadingFailed" && p.blockedReason) blocked.add(p.requestId);
      if (m.method === "Page.loadEventFired") loaded();
    });
    await send("Network.enable", {}, sessionId);
    await send("Page.enable", {}, sessionId);
    await send("Page.navigate", { url }, sessionId);
    await load;
    // Late requests (lazy images, fonts on first layout) start within a few frames.
    await new Promise((r) => setTimeout(r, 500));
    await send("Browser.close").catch(() => undefined);
    const all = [...urls.entries()];
    return {
      sent: all.filter(([id]) => !blocked.has(id)).map(([, u]) => u),
      blocked: all.filter(([id]) => blocked.has(id)).map(([, u]) => u),
    };
  } finally {
    clearTimeout(timer);
    child.kill("SIGKILL");
  }
}
