/**
 * Load in the user's words: a population of users, each sending a request, reading the answer and
 * thinking for a while, as a request rate the planner sizes for. Pure.
 */
import type { UserLoad } from "../contract/plan.js";
import { UserError } from "../errors.js";

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));

/**
 * The request rate of `users` users, with either a think time or a request rate per user.
 *
 * - Requests per user per minute r: rate = users × r / 60 requests/s (an arrival rate as such).
 * - Think time Z seconds: each user cycles through a response time R and Z, so by Little's law for a
 *   closed population (the interactive response time law, X = N / (R + Z)) the rate is N / (R + Z).
 *   R is what the plan is being sized for, so it is left out: rate = N / Z, an upper bound that is
 *   reached as R becomes small against Z, and keeps the plan on the safe side otherwise.
 *
 * E.g. 200 users thinking 30 s: 200 / 30 = 6.67 requests/s; 200 users at 2 requests per minute:
 * 200 × 2 / 60 = 6.67 requests/s. Throws a UserError (field "users") unless exactly one of the two is given.
 */
export function userLoad(
  users: number,
  thinkTimeSeconds: number | undefined,
  requestsPerUserPerMinute: number | undefined,
): UserLoad {
  if ((thinkTimeSeconds === undefined) === (requestsPerUserPerMinute === undefined)) {
    throw new UserError(
      "--users needs how often each user asks: --think-time SECONDS or --requests-per-user-per-minute R (one of them)",
      "e.g. --users 200 --think-time 30",
      1,
      "users",
    );
  }
  if (requestsPerUserPerMinute !== undefined) {
    const rate = (users * requestsPerUserPerMinute) / 60;
    return {
      users,
      thinkTimeSeconds: null,
      requestsPerUserPerMinute,
      requestRate: rate,
      formula: `${users} users × ${requestsPerUserPerMinute} requests per user per minute ÷ 60 = ${fmt(rate)} requests/s`,
    };
  }
  const z = thinkTimeSeconds!;
  const rate = users / z;
  return {
    users,
    thinkTimeSeconds: z,
    requestsPerUserPerMinute: null,
    requestRate: rate,
    formula:
      `${users} users ÷ ${z} s think time = ${fmt(rate)} requests/s (Little's law for a closed population, ` +
      "rate = users / (response time + think time), with the response time left out: an upper bound, on the safe side)",
  };
}
