import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { CIPHERTEXT_MAX_BYTES, D1_LIMITS, D1_SIZE, EDGE_CACHE, FLEET_CREATE_BUDGET, PRICES, RATE_LIMITS } from "../../catalog/index.ts";

const readme = readFileSync("README.md", "utf8");
const api = readme.split("<!-- section:api -->")[1]?.split("<!-- /section:api -->")[0] ?? "";
const config = readme.split("<!-- section:config -->")[1]?.split("<!-- /section:config -->")[0] ?? "";

const MINUTES_PER_DAY = 1440;
const fixed = (n: number, digits = 1) => n.toFixed(digits);

/** How long D1 takes to fill at the defaults, from the catalog alone. */
function timeToFill() {
  const d1 = D1_LIMITS.maxSize.value;
  const perNetworkPerDay = RATE_LIMITS.createsPerMinute.value * CIPHERTEXT_MAX_BYTES.value * MINUTES_PER_DAY;
  const fleetPerDay = FLEET_CREATE_BUDGET.bytesPerMinute.value * MINUTES_PER_DAY;
  const d1WritesPerSecond = D1_LIMITS.writesPerSecond.value * CIPHERTEXT_MAX_BYTES.value;
  return {
    perNetworkGbPerDay: fixed(perNetworkPerDay / 1e9, 2),
    oneAddressDays: fixed(d1 / perNetworkPerDay),
    tenAddressesHours: fixed((d1 / (10 * perNetworkPerDay)) * 24),
    oneSlash64Minutes: fixed(d1 / d1WritesPerSecond / 60),
    fleetGbPerDay: fixed(fleetPerDay / 1e9, 2),
    afterDays: fixed(d1 / Math.min(fleetPerDay, perNetworkPerDay)),
    warningDays: fixed(D1_SIZE.warning.value / fleetPerDay),
    criticalDays: fixed(D1_SIZE.critical.value / fleetPerDay),
  };
}

it("the README's time to fill D1, before and after the fleet budget, is computed from the catalog", () => {
  const t = timeToFill();
  expect(api).toContain(`| one IPv4 address (${t.perNetworkGbPerDay} GB/day allowed) | full in ${t.oneAddressDays} days | full in ${t.afterDays} days |`);
  expect(api).toContain(`| 10 IPv4 addresses | full in ${t.tenAddressesHours} hours | full in ${t.afterDays} days |`);
  expect(api).toContain(`full in ${t.oneSlash64Minutes} minutes | full in ${t.afterDays} days |`);
  expect(api).toContain(`full in ${t.afterDays} days at the earliest (${t.fleetGbPerDay} GB/day); the D1 size warning (${D1_SIZE.warning.value / 1e9} GB) fires after ${t.warningDays} days, the critical alert (${D1_SIZE.critical.value / 1e9} GB) after ${t.criticalDays} days`);
  expect(api).toContain(`The fleet budget (${t.fleetGbPerDay} GB/day) is below what a single network may send at its own limit (${t.perNetworkGbPerDay} GB/day)`);
});

it("the README states the catalog's limits, the IPv6 prefix, the overload Retry-After and the negative cache's prices", () => {
  const r = RATE_LIMITS;
  expect(api).toContain(`${r.createsPerMinute.value} creates, ${r.revealsPerMinute.value} reveals, ${r.readsPerMinute.value} metadata reads, ${r.deletesPerMinute.value} deletes and ${r.healthChecksPerMinute.value} health checks per network per minute`);
  expect(api).toContain(`an IPv6 client by its /${r.ipv6PrefixBits.value}`);
  expect(api).toContain(`\`Retry-After: ${r.overloadRetryAfter.value}\``);
  expect(api).toContain(`${FLEET_CREATE_BUDGET.createsPerMinute.value} creates and ${FLEET_CREATE_BUDGET.bytesPerMinute.value} bytes of ciphertext per minute`);
  expect(api).toContain(`\`EDGE_CACHE.notFoundMaxAge\` = ${EDGE_CACHE.notFoundMaxAge.value} s`);
  expect(api).toContain(`costs $${PRICES.kvWritesPerMillion.value.toFixed(2)}/M (\`PRICES.kvWritesPerMillion\`)`);
  expect(api).toContain(`costs $${PRICES.d1ReadsPerMillion.value}/M rows (\`PRICES.d1ReadsPerMillion\`), ${PRICES.kvWritesPerMillion.value / PRICES.d1ReadsPerMillion.value} times more`);
  for (const [name, q] of [
    ["RATE_LIMIT_READ_PER_MINUTE", `${r.readsPerMinute.value} (\`RATE_LIMITS.readsPerMinute\`)`],
    ["RATE_LIMIT_DELETE_PER_MINUTE", `${r.deletesPerMinute.value} (\`RATE_LIMITS.deletesPerMinute\`)`],
    ["RATE_LIMIT_HEALTH_PER_MINUTE", `${r.healthChecksPerMinute.value} (\`RATE_LIMITS.healthChecksPerMinute\`)`],
    ["FLEET_CREATES_PER_MINUTE", `${FLEET_CREATE_BUDGET.createsPerMinute.value} (\`FLEET_CREATE_BUDGET.createsPerMinute\`)`],
    ["FLEET_CREATE_BYTES_PER_MINUTE", `${FLEET_CREATE_BUDGET.bytesPerMinute.value} (\`FLEET_CREATE_BUDGET.bytesPerMinute\`)`],
  ]) expect(config).toContain(`| \`${name}\` | var | ${q} |`);
});
