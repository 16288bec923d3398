import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultProfilePath, loadCalibration, readProfile } from "../../src/cli/calibration-file.js";
import { writeOneFile } from "../../src/cli/write-one.js";
import { realFs, type WriterFs } from "../../src/cli/writer-fs.js";
import { UserError } from "../../src/errors.js";

const tmp = () => mkdtempSync(join(tmpdir(), "llmdeploy-cal-"));

describe("where the default profile is", () => {
  it.each([
    [{ XDG_CONFIG_HOME: "/etc/xdg-home" }, "/etc/xdg-home/llmdeploy/calibration.json"],
    // the XDG Base Directory spec: unset, empty or relative -> $HOME/.config
    [{}, join(homedir(), ".config/llmdeploy/calibration.json")],
    [{ XDG_CONFIG_HOME: "" }, join(homedir(), ".config/llmdeploy/calibration.json")],
    [{ XDG_CONFIG_HOME: "relative/config" }, join(homedir(), ".config/llmdeploy/calibration.json")],
  ])("%j -> %s", (env, path) => {
    expect(defaultProfilePath(env)).toBe(path);
  });
});

describe("finding and reading a profile", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ["XDG_CONFIG_HOME", "LLMDEPLOY_CALIBRATION"]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
  const profile = JSON.parse(
    readFileSync(new URL("../fixtures/calibration/chat-7b-fake.json", import.meta.url), "utf8"),
  ) as Record<string, unknown>;

  it("flag, then LLMDEPLOY_CALIBRATION, then the default location when it exists; none turns it off", async () => {
    const dir = tmp();
    process.env.XDG_CONFIG_HOME = dir;
    delete process.env.LLMDEPLOY_CALIBRATION;
    expect(await loadCalibration(undefined)).toBeNull(); // no default file: no profile, no error
    mkdirSync(join(dir, "llmdeploy"));
    writeFileSync(join(dir, "llmdeploy/calibration.json"), JSON.stringify(profile));
    expect(await loadCalibration(undefined)).toMatchObject({
      source: "default",
      path: join(dir, "llmdeploy/calibration.json"),
    });
    const named = join(dir, "team.json");
    writeFileSync(named, JSON.stringify(profile));
    process.env.LLMDEPLOY_CALIBRATION = named;
    expect(await loadCalibration(undefined)).toMatchObject({ source: "env", path: named });
    expect(await loadCalibration(named)).toMatchObject({ source: "flag" });
    expect(await loadCalibration("none")).toBeNull();
    process.env.LLMDEPLOY_CALIBRATION = "none";
    expect(await loadCalibration(undefined)).toBeNull();
  });

  it.each([
    ["missing", null, /^calibration profile .*missing\.json does not exist$/],
    ["bad.json", "{ not json", /^calibration profile .*bad\.json is not JSON: /],
    ["array.json", "[]", /is not a calibration profile \(expected a JSON object\)$/],
    [
      "v2.json",
      JSON.stringify({ llmdeployCalibration: 2 }),
      /is a version 2 calibration profile; this llmdeploy reads version 1$/,
    ],
  ])("refuses %s with one line and a hint", async (name, content, message) => {
    const dir = tmp();
    const path = join(dir, name === "missing" ? "missing.json" : name);
    if (content !== null) writeFileSync(path, content);
    const err = await readProfile(path, "env").then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(message);
    expect((err as UserError).hint).toMatch(/LLMDEPLOY_CALIBRATION names it/);
  });
});

describe("writing the profile all or nothing", () => {
  it("new, unchanged, refused when it differs unless --force, changed", () => {
    const dir = tmp();
    const path = join(dir, "cal.json");
    expect(writeOneFile(path, "one\n")).toBe("new");
    expect(writeOneFile(path, "one\n")).toBe("unchanged");
    expect(() => writeOneFile(path, "two\n")).toThrow(/exists and differs$/);
    expect(readFileSync(path, "utf8")).toBe("one\n");
    expect(writeOneFile(path, "two\n", { force: true })).toBe("changed");
    expect(readFileSync(path, "utf8")).toBe("two\n");
    expect(readdirSync(dir)).toEqual(["cal.json"]);
  });

  it("never through a symbolic link, never into a missing folder", () => {
    const dir = tmp();
    writeFileSync(join(dir, "target.json"), "keep\n");
    symlinkSync(join(dir, "target.json"), join(dir, "link.json"));
    expect(() => writeOneFile(join(dir, "link.json"), "x", { force: true })).toThrow(/is a symbolic link/);
    expect(readFileSync(join(dir, "target.json"), "utf8")).toBe("keep\n");
    expect(() => writeOneFile(join(dir, "nope/cal.json"), "x")).toThrow(/the folder .*nope does not exist/);
  });

  it("a failed write (disk full) leaves the old file and nothing beside it", () => {
    const dir = tmp();
    const path = join(dir, "cal.json");
    writeFileSync(path, "old\n");
    const full: WriterFs = {
      ...realFs,
      writeFileSync: (p, data, o) => {
        realFs.writeFileSync(p, String(data).slice(0, 2), o);
        throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: "ENOSPC", path: p });
      },
    };
    expect(() => writeOneFile(path, "new content\n", { force: true }, full)).toThrow(
      /^cannot write .*cal\.json: no space left on the device \(ENOSPC\)$/,
    );
    expect(readFileSync(path, "utf8")).toBe("old\n");
    expect(readdirSync(dir)).toEqual(["cal.json"]);
    expect(existsSync(join(dir, `.cal.json.llmdeploy-new-${process.pid}`))).toBe(false);
  });
});
