import { q } from "./quantity.ts";

const DOC = "infrastructure-recommendations.md";

/**
 * Recommendation 4, "Uptime: Cloudflare Health Checks + BetterStack (free)": the two external probes of /healthz that
 * `moltsecret uptime sync` creates or updates, and `moltsecret uptime status` reads back for on-call.
 */
export const UPTIME = {
  /** The health endpoint the probes call (worker/routes/health.ts): 200 {"status":"ok"} when D1 answers, 503 otherwise. */
  healthPath: "/healthz",
  /** One name for both probes, so a sync finds what it created before (Cloudflare: name; Better Stack: the URL). */
  checkName: "moltsecret-api-healthz",
  cloudflare: {
    interval: q(60, "s", `${DOC} Rec. 4: Cloudflare Health Checks; 60 s is Cloudflare's default interval and the shortest on the Pro plan`),
    timeout: q(5, "s", "A healthy /healthz answers in milliseconds (one D1 ping); 5 s is Cloudflare's default timeout"),
    retries: q(2, "retries", "Cloudflare's default: a probe that times out is retried at once before it counts as failed"),
    consecutiveFails: q(2, "checks", "Unhealthy after two failed checks (two minutes): one lost probe is not an outage"),
    consecutiveSuccesses: q(2, "checks", "Healthy again after two passing checks, so a flapping origin does not clear the alert"),
  },
  betterStack: {
    checkFrequency: q(180, "s", `${DOC} Rec. 4: BetterStack (free): the free plan checks every 3 minutes`),
    requestTimeout: q(15, "s", "Better Stack's default HTTP timeout; far above a healthy /healthz"),
    confirmationPeriod: q(60, "s", "Better Stack re-checks from other regions for a minute before it opens an incident"),
    recoveryPeriod: q(180, "s", "An incident resolves after one clean check interval"),
  },
} as const;
