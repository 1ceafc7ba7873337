import { REGIONS, type Region } from "../../catalog/index.ts";

export type RegionLabel = Region | "other";

/** Countries Cloudflare reports outside continent NA that the document's "US" target still means (US territories). */
const US_COUNTRIES = new Set(["US", "PR", "GU", "VI", "AS", "MP", "UM", "CA"]);

const CONTINENT_REGION: Record<string, RegionLabel> = { NA: "us", EU: "eu", AS: "apac", OC: "apac" };

/**
 * The document's latency regions (US / EU / APAC) from `request.cf`.
 * Continent decides; a few US territories with other continents count as US; everything else is "other".
 */
export function regionOf(cf: { continent?: unknown; country?: unknown } | undefined | null): RegionLabel {
  const country = typeof cf?.country === "string" ? cf.country.toUpperCase() : "";
  if (US_COUNTRIES.has(country)) return "us";
  const continent = typeof cf?.continent === "string" ? cf.continent.toUpperCase() : "";
  const region = CONTINENT_REGION[continent] ?? "other";
  return region === "other" || (REGIONS as readonly string[]).includes(region) ? region : "other";
}
