import { describe, expect, it } from "vitest";
import { regionOf } from "./region.ts";

describe("regionOf", () => {
  it("maps Cloudflare continents to the document's regions", () => {
    expect(regionOf({ continent: "NA", country: "US" })).toBe("us");
    expect(regionOf({ continent: "EU", country: "DE" })).toBe("eu");
    expect(regionOf({ continent: "AS", country: "JP" })).toBe("apac");
    expect(regionOf({ continent: "OC", country: "AU" })).toBe("apac");
    expect(regionOf({ continent: "SA", country: "BR" })).toBe("other");
    expect(regionOf({ continent: "AF", country: "NG" })).toBe("other");
  });

  it("counts US territories outside North America as US, and missing cf (local dev) as other", () => {
    expect(regionOf({ continent: "OC", country: "GU" })).toBe("us");
    expect(regionOf(undefined)).toBe("other");
    expect(regionOf({})).toBe("other");
  });
});
