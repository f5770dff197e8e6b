import { describe, expect, it } from "vitest";
import { maskPhone } from "./phone-mask.ts";

describe("maskPhone", () => {
  it("keeps the country code and the last four digits, as the sms service's logs do", () => {
    expect(maskPhone("+15555550123")).toBe("+1555•••0123");
    expect(maskPhone("+442079460958")).toBe("+4420•••0958");
  });

  it("hides at least three digits of a short number", () => {
    expect(maskPhone("+12345")).toBe("+1•••5");
    expect(maskPhone("+123")).toBe("+•••");
  });
});
