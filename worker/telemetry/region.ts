import type { Region } from "../../catalog/index.ts";

export type RegionLabel = Region | "other";

/** US territories Cloudflare places on other continents still count toward the document's "US" target. */
const US_TERRITORIES = new Set(["US", "PR", "GU", "VI", "AS", "MP", "UM"]);

const CONTINENT_REGION: Record<string, Region> = { NA: "us", EU: "eu", AS: "apac", OC: "apac" };

/** The document's latency regions (US / EU / APAC) from `request.cf`; anything else is "other". */
export function regionOf(cf: { continent?: unknown; country?: unknown } | undefined | null): RegionLabel {
  const country = typeof cf?.country === "string" ? cf.country.toUpperCase() : "";
  if (US_TERRITORIES.has(country)) return "us";
  const continent = typeof cf?.continent === "string" ? cf.continent.toUpperCase() : "";
  return CONTINENT_REGION[continent] ?? "other";
}

/**
 * The region of an incoming request. Reading `request.cf` is the costly part: workerd parses the request's cf JSON and
 * deep-freezes it on first access (bench: profile, "region label"), a cost the app without telemetry never pays.
 */
export const regionOfRequest = (request: Request): RegionLabel => regionOf(request.cf as { continent?: unknown; country?: unknown } | undefined);
