import { describe, expect, it } from "vitest";
import { summarize } from "./protocol.ts";

describe("summarize", () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => 100 - i);

  it("takes percentiles by nearest rank: of 100 samples the p99 is the 99th, not the slowest", () => {
    expect(summarize(oneToHundred)).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
  });

  it("of 300 samples the p99 is the 297th smallest", () => {
    expect(summarize(Array.from({ length: 300 }, (_, i) => i + 1)).p99).toBe(297);
  });

  it("gives zeros for no samples and the sample itself for one", () => {
    expect(summarize([])).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
    expect(summarize([7])).toEqual({ count: 1, p50: 7, p99: 7, max: 7 });
  });
});
