import { describe, expect, it } from "vitest";
import { requestLogSerializers } from "./request-log.ts";

describe("the web's request log", () => {
  it("keeps the path and drops the query, where addresses and completion tokens travel", () => {
    expect(requestLogSerializers.req({ method: "GET", url: "/?completion_token=eyJ.a.b", ip: "127.0.0.1" })).toEqual({
      method: "GET",
      url: "/",
      remoteAddress: "127.0.0.1",
    });
    expect(requestLogSerializers.req({ method: "GET", url: "/signup/check-email?email=a%40b.c" }).url).toBe("/signup/check-email");
    // An invitation's ticket proves an address: it must not be replayable from a log.
    expect(requestLogSerializers.req({ method: "GET", url: "/signup?ticket=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG0" }).url).toBe("/signup");
  });
});
