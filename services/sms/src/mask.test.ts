import { describe, expect, it } from "vitest";
import { maskPhone, redactProviderText } from "./mask.ts";

describe("maskPhone", () => {
  it("keeps at most the country code plus 3 digits and the last 4", () => {
    expect(maskPhone("+15555550123")).toBe("+1555•••0123");
    expect(maskPhone("+447911123456")).toBe("+4479•••3456");
    expect(maskPhone("+353861234567")).toBe("+3538•••4567");
  });

  it("hides the length of long numbers and at least 3 digits of short ones", () => {
    expect(maskPhone("+861391234567890")).toBe("+8613•••7890");
    expect(maskPhone("+2901234")).toBe("+29•••34");
    expect(maskPhone("+1234")).toBe("+•••4");
    expect(maskPhone("+12")).toBe("+•••");
  });

  it("reads separators and numbers without +, and reveals little of anything else", () => {
    expect(maskPhone("+1 (555) 555-0123")).toBe("+1555•••0123");
    expect(maskPhone("5555550123")).toBe("555•••0123");
    expect(maskPhone("not a number")).toBe("•••er");
    expect(maskPhone("")).toBe("•••");
  });
});

describe("redactProviderText", () => {
  it("masks numbers quoted by a provider but keeps its error codes", () => {
    expect(redactProviderText("21211 The 'To' number +15555550123 is not a valid phone number.")).toBe(
      "21211 The 'To' number +1555•••0123 is not a valid phone number.",
    );
    expect(redactProviderText("number 1 (555) 555-0123 blocked, see 30007")).toBe("number 1555•••0123 blocked, see 30007");
  });

  it("never lets the message body or a 6-digit code through", () => {
    expect(redactProviderText("rejected '123456 is your Acme verification code.'", "123456 is your Acme verification code.")).toBe("rejected '[message body]'");
    expect(redactProviderText("code 123456 refused")).toBe("code ••• refused");
  });
});
