/**
 * Engine release numbers: parsing "X.Y[.Z]" as people type it (and the longer strings logs print:
 * "0.10.1.1", "0.7.4.dev390+gdebd6bbf"), comparing them, and the rule tables keyed by version ranges.
 * Pure.
 */
import { UserError } from "../errors.js";

/** [major, minor, patch]. */
export type Version = readonly [number, number, number];

/** "0.21" -> [0, 21, 0]; "v0.21.1" -> [0, 21, 1]; null when it is not X.Y or X.Y.Z. */
export function parseVersion(s: string): Version | null {
  const m = /^v?(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?$/.exec(s.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

/**
 * The release a log's version string names, as X.Y.Z: "0.10.1.1" -> [0, 10, 1], "0.7.4.dev390+g..."
 * -> [0, 7, 4], "0.15.2rc1.dev93+g11a4c9d30" -> [0, 15, 2]; null when it does not start with X.Y.
 */
export function versionFromLog(s: string): Version | null {
  const m = /^v?(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?/.exec(s.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

export const formatVersion = (v: Version): string => `${v[0]}.${v[1]}.${v[2]}`;

/** Negative, zero or positive as a is before, equal to or after b. */
export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Parsed rule bounds, kept: ruleFor runs for every GPU × shape a plan tries. */
const parsedBounds = new Map<string, Version>();
const must = (s: string): Version => {
  let v = parsedBounds.get(s);
  if (v) return v;
  v = parseVersion(s) ?? undefined;
  if (!v) throw new Error(`not a version: ${s}`);
  parsedBounds.set(s, v);
  return v;
};

/** One behaviour of an engine over a range of its releases, with where it was read. */
export interface VersionRule<T> {
  /** First release with this behaviour (X.Y.Z, inclusive). */
  since: string;
  /** First release without it (exclusive); absent: every later release llmdeploy models. */
  until?: string;
  value: T;
  source: { url: string; quote: string };
  /** How the release boundary was found, when no source names the release itself. */
  note?: string;
}

/** The rule of `rules` that covers version v; an Error when none does (a gap in a table). */
export function ruleFor<T>(rules: readonly VersionRule<T>[], v: Version, what: string): VersionRule<T> {
  const r = rules.find(
    (x) =>
      compareVersions(v, must(x.since)) >= 0 &&
      (x.until === undefined || compareVersions(v, must(x.until)) < 0),
  );
  if (!r) throw new Error(`no ${what} rule for ${formatVersion(v)}`);
  return r;
}

/** The releases an engine module models, and how an asked version resolves to one of them. */
export interface VersionRange {
  /** The pinned release (its image's): used when no version is asked for. */
  default: string;
  /** Oldest and newest releases modelled, as people read them ("0.6.0", "0.28.x"). */
  oldest: string;
  newest: string;
  /** Canonical X.Y.Z of an asked version; a UserError (field engineVersion) naming the range otherwise. */
  resolve(asked: string): string;
}

/**
 * A range of releases from `oldest` to the last patch of `newestMinor` (X.Y). With `releases` (the
 * known X.Y.Z releases), an asked version must be one of them: "0.6.99" or the hotfix build "0.10.1.1"
 * is refused with one line naming the known releases nearest to it.
 */
export function versionRange(
  engineLabel: string,
  pinned: string,
  oldest: string,
  newestMinor: string,
  releases?: { known: readonly string[]; hotfix: RegExp },
): VersionRange {
  const lo = must(oldest);
  const hi = must(newestMinor);
  const newest = `${hi[0]}.${hi[1]}.x`;
  const inRange = (v: Version) =>
    compareVersions(v, lo) >= 0 && (v[0] < hi[0] || (v[0] === hi[0] && v[1] <= hi[1]));
  return {
    default: pinned,
    oldest,
    newest,
    resolve(asked: string): string {
      const hotfix = releases?.hotfix.exec(asked.trim());
      const v = parseVersion(hotfix ? hotfix[1]! : asked);
      if (!v || !inRange(v)) {
        throw new UserError(
          v
            ? `${engineLabel} ${asked} is outside the releases llmdeploy models (${oldest} to ${newest})`
            : `--engine-version takes X.Y or X.Y.Z, got "${asked}"`,
          `use --engine-version between ${oldest} and ${newest}, or leave it out for ${pinned} (the pinned image)`,
          1,
          "engineVersion",
        );
      }
      const canonical = formatVersion(v);
      if (releases && (hotfix || !releases.known.includes(canonical))) {
        const near = nearestReleases(releases.known, v);
        throw new UserError(
          hotfix
            ? `${engineLabel} ${asked} is a hotfix build of ${canonical}; llmdeploy models releases by X.Y.Z (nearby: ${near.join(", ")})`
            : `${engineLabel} ${asked} is not a release llmdeploy knows (nearby: ${near.join(", ")})`,
          hotfix
            ? `use --engine-version ${canonical} (the hotfix's behaviour is modelled as its release's)`
            : `use one of ${near.join(", ")}, or leave --engine-version out for ${pinned} (the pinned image)`,
          1,
          "engineVersion",
        );
      }
      return canonical;
    },
  };
}

/** The known releases nearest to v: the last two before it, and the first two from it on. */
export function nearestReleases(known: readonly string[], v: Version): string[] {
  const sorted = [...known].sort((a, b) => compareVersions(must(a), must(b)));
  const at = sorted.findIndex((k) => compareVersions(must(k), v) >= 0);
  const i = at === -1 ? sorted.length : at;
  return sorted.slice(Math.max(0, i - 2), i + 2);
}

/** An engine modelled at its pinned release only (its memory model was read at that release). */
export function pinnedOnly(engineLabel: string, pinned: string): VersionRange {
  return {
    default: pinned,
    oldest: pinned,
    newest: pinned,
    resolve(asked: string): string {
      const a = asked.trim().replace(/^v/, "");
      const p = parseVersion(pinned);
      const v = parseVersion(a);
      if (a === pinned || (p && v && compareVersions(p, v) === 0)) return pinned;
      throw new UserError(
        `${engineLabel} ${asked} is not modelled: llmdeploy models ${engineLabel} ${pinned} only (the pinned image)`,
        `leave out --engine-version, or use --engine-version ${pinned}`,
        1,
        "engineVersion",
      );
    },
  };
}
