import { describe, expect, it } from "vitest";
import { REDACTED, redactPath, redactSql, redactText } from "./redact.ts";

describe("redaction", () => {
  it("removes IPv4/IPv6 addresses and id/token-shaped runs, keeps ordinary words and SQL identifiers", () => {
    const text = "reading Zq8xK2mPv7LnR4tW9yBc1d for 203.0.113.7 and 2001:db8::1 via delete_token_hash at 12:30";
    expect(redactText(text)).toBe(`reading ${REDACTED} for ${REDACTED} and ${REDACTED} via delete_token_hash at 12:30`);
    expect(redactText("a8f5f167f44f4964e6c998dee827110c")).toBe(REDACTED);
    expect(redactText("SELECT * FROM secrets WHERE id = ?")).toBe("SELECT * FROM secrets WHERE id = ?");
  });

  it("replaces SQL literals with placeholders", () => {
    expect(redactSql("UPDATE secrets SET views = views + 1 WHERE id = 'abcDEF123456' AND max_views > 3")).toBe("UPDATE secrets SET views = views + ? WHERE id = ? AND max_views > ?");
  });

  it("keeps known path words and replaces every other segment", () => {
    expect(redactPath("/api/secrets/Zq8xK2mPv7LnR4tW9yBc1d/reveal")).toBe("/api/secrets/:id/reveal");
    expect(redactPath("/healthz")).toBe("/:id");
  });
});
