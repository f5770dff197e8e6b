import { describe, expect, it } from "vitest";
import { spanContextFromTraceparent, traceparentOf } from "./traceparent.ts";

describe("traceparent", () => {
  it("round-trips a span context through the W3C header form", () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const spanContext = spanContextFromTraceparent(traceparent);
    expect(spanContext).toEqual({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: 1, isRemote: true });
    expect(traceparentOf(spanContext!)).toBe(traceparent);
    expect(traceparentOf({ ...spanContext!, traceFlags: 0 })).toBe("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  });

  it("reads nothing from what is not one", () => {
    for (const bad of [
      undefined,
      42,
      "",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    ]) {
      expect(spanContextFromTraceparent(bad), String(bad)).toBeUndefined();
    }
    expect(traceparentOf({ traceId: "0".repeat(32), spanId: "0".repeat(16), traceFlags: 0 })).toBeUndefined();
  });
});
