import { expect, it } from "vitest";
import { WRITER_CONFIG, withWriter } from "./wrangler-dev.mjs";

it("starts the write Worker beside every config that binds WRITER, once, and beside nothing else", () => {
  expect(withWriter([])).toEqual(["wrangler.toml", WRITER_CONFIG]);
  expect(withWriter(["wrangler.toml"])).toEqual(["wrangler.toml", WRITER_CONFIG]);
  expect(withWriter(["wrangler.toml", WRITER_CONFIG])).toEqual(["wrangler.toml", WRITER_CONFIG]);
  expect(withWriter(["tail/wrangler.toml"])).toEqual(["tail/wrangler.toml"]);
  expect(withWriter([WRITER_CONFIG])).toEqual([WRITER_CONFIG]);
});
