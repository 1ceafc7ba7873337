import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per secret. Timestamps are integer milliseconds since the epoch (portable to libSQL,
 * PlanetScale and Neon without date parsing). `ciphertext` is NULL once the secret is burned.
 */
export const secrets = sqliteTable(
  "secrets",
  {
    id: text("id").primaryKey(),
    ciphertext: text("ciphertext"),
    deleteTokenHash: text("delete_token_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    maxViews: integer("max_views"),
    views: integer("views").notNull().default(0),
    burnedAt: integer("burned_at"),
  },
  (t) => [index("secrets_expires_at_idx").on(t.expiresAt), index("secrets_burned_at_idx").on(t.burnedAt)],
);

export type SecretRow = typeof secrets.$inferSelect;
