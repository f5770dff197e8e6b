import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redactUrl } from "./index.ts";

describe("log redaction", () => {
  it("keeps verification tokens out of logged URLs", () => {
    expect(redactUrl("/account/verify/abcDEF_123-x?x=1")).toBe("/account/verify/[redacted]?x=1");
    expect(redactUrl("/x?token=secret&code=123456&keep=1")).toBe("/x?token=[redacted]&code=[redacted]&keep=1");
  });

  it("censors passwords, tokens and auth headers wherever they appear", () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(chunk.toString()), done()) });
    const logger = createLogger({ name: "t", level: "info" }, sink);
    logger.info({ password: "hunter22", body: { token: "tok" }, headers: { authorization: "Bearer abc" }, req: { url: "/account/verify/SECRET", method: "GET" } }, "x");
    const out = lines.join("");
    expect(out).not.toMatch(/hunter22|"tok"|Bearer abc|SECRET/);
    expect(out).toContain("[redacted]");
  });
});

