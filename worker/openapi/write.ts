/** Writes docs/openapi.json from the code (npm run docs:openapi); worker/openapi/openapi.test.ts fails when it is stale. */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildOpenApiDocument } from "./document.ts";

export const OPENAPI_FILE = resolve(fileURLToPath(new URL("../../docs/openapi.json", import.meta.url)));
export const renderOpenApi = (): string => `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(OPENAPI_FILE, renderOpenApi());
  console.log(`wrote ${OPENAPI_FILE}`);
}
