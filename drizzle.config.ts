import { defineConfig } from "drizzle-kit";

/** drizzle-kit writes SQL migrations into migrations/; wrangler (migrations_dir) and the tests apply the same folder. */
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/db/schema.ts",
  out: "./migrations",
});
