import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { EDGE_CACHE, FLAG_CACHE_TTL, KV_LIMITS, QUERY_CACHE_TTL, VIEW_COUNTER, WRITE_BEHIND_FLUSH } from "../../catalog/index.ts";
import { DEFAULT_FLAGS_KEY } from "../config.ts";
import { DEFAULT_FLAGS } from "../operator-flags.ts";

const readme = readFileSync("README.md", "utf8");
const section = readme.split("<!-- section:caching -->")[1]?.split("<!-- /section:caching -->")[0] ?? "";

it("the README's caching section states the catalog's TTLs and intervals, not drifted copies", () => {
  expect(section).toContain(`\`max-age=${EDGE_CACHE.maxAge.value}\``);
  expect(section).toContain(`\`stale-while-revalidate=${EDGE_CACHE.staleWhileRevalidate.value}\``);
  expect(section).toContain(`\`FLAG_CACHE_TTL\` = ${FLAG_CACHE_TTL.value} s`);
  expect(section).toContain(`\`QUERY_CACHE_TTL\` = ${QUERY_CACHE_TTL.value} s`);
  expect(section).toContain(`\`WRITE_BEHIND_FLUSH\` = ${WRITE_BEHIND_FLUSH.value} ms`);
  expect(section).toContain(`\`expirationTtl: ${KV_LIMITS.minExpirationTtl.value}\``);
  expect(section).toContain(`\`VIEW_COUNTER.shards\` = ${VIEW_COUNTER.shards.value}`);
  expect(section).toContain(`\`VIEW_COUNTER.maxIdsPerFlush\` = ${VIEW_COUNTER.maxIdsPerFlush.value}`);
  expect(section).toContain(`\`VIEW_COUNTER.idleRetention\` = ${VIEW_COUNTER.idleRetention.value} s`);
});

it("the README documents every flag, the default flags key and the vars", () => {
  for (const flag of [...Object.keys(DEFAULT_FLAGS), "cachingDisabled"]) expect(section).toContain(`| \`${flag}\` | \`false\` |`);
  expect(section).toContain(`default \`${DEFAULT_FLAGS_KEY}\``);
  for (const name of ["FLAGS_KV_KEY", "VIEW_FLUSH_INTERVAL_MS"]) expect(section).toContain(`\`${name}\``);
});
