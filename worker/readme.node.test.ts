import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { CIPHERTEXT_MAX_BYTES, EDGE_CACHE, MAX_VIEWS, PURGE, RATE_LIMITS, REQUEST_BODY_OVERHEAD_BYTES, SECRET_TTL } from "../catalog/index.ts";
import { ROUTES } from "./app.ts";
import { ERROR_STATUS } from "./http/errors.ts";

const readme = readFileSync("README.md", "utf8");
const section = (name: string) => readme.split(`<!-- section:${name} -->`)[1]?.split(`<!-- /section:${name} -->`)[0] ?? "";

it("the README's API and configuration sections state the catalog's numbers, not drifted copies", () => {
  const api = section("api");
  const config = section("config");
  expect(api).toContain(`\`ttlSeconds\` (integer ${SECRET_TTL.min.value}..${SECRET_TTL.max.value}, default ${SECRET_TTL.default.value})`);
  expect(api).toContain(`\`maxViews\` (integer ${MAX_VIEWS.min.value}..${MAX_VIEWS.max.value}`);
  expect(api).toContain(`default ${CIPHERTEXT_MAX_BYTES.value})`);
  expect(api).toContain(`\`MAX_CIPHERTEXT_BYTES\` + ${REQUEST_BODY_OVERHEAD_BYTES.value} bytes`);
  expect(api).toContain(`max-age=${EDGE_CACHE.maxAge.value}, stale-while-revalidate=${EDGE_CACHE.staleWhileRevalidate.value}`);
  expect(api).toContain(`${RATE_LIMITS.createsPerMinute.value} creates, ${RATE_LIMITS.revealsPerMinute.value} reveals`);
  expect(config).toContain(`| ${CIPHERTEXT_MAX_BYTES.value} (\`CIPHERTEXT_MAX_BYTES\`)`);
  expect(config).toContain(`| ${RATE_LIMITS.createsPerMinute.value} (\`RATE_LIMITS.createsPerMinute\`)`);
  expect(config).toContain(`| ${RATE_LIMITS.revealsPerMinute.value} (\`RATE_LIMITS.revealsPerMinute\`)`);
  expect(config).toContain(`chunks of ${PURGE.chunkRows.value} rows, at most ${PURGE.maxChunksPerRun.value} chunks per run`);
});

it("the README documents every route and every error code", () => {
  const api = section("api");
  for (const path of Object.keys(ROUTES)) expect(api).toContain(path.replace(":id", "{id}"));
  for (const [code, status] of Object.entries(ERROR_STATUS)) expect(api).toContain(`| ${status} | \`${code}\` |`);
});
