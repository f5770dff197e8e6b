import { Writable } from "node:stream";
import { trace } from "@opentelemetry/api";
import { describe, expect, it, vi } from "vitest";
import { createLogger, redactUrl } from "./index.ts";

/** One logged line, parsed: what would reach the log file. */
function logged(object: Record<string, unknown>): Record<string, unknown> {
  const lines: string[] = [];
  const sink = new Writable({
    write: (chunk, _enc, done) => {
      lines.push(chunk.toString());
      done();
    },
  });
  createLogger({ name: "t", level: "info" }, sink).info(object, "x");
  // Without the fields pino adds itself, so a digit run in a timestamp cannot look like a leak.
  const { time: _time, pid: _pid, hostname: _hostname, ...line } = JSON.parse(lines.join("")) as Record<string, unknown>;
  return line;
}

describe("log redaction", () => {
  it("keeps verification tokens out of logged URLs", () => {
    expect(redactUrl("/account/verify/abcDEF_123-x?x=1")).toBe("/account/verify/[redacted]?x=1");
    expect(redactUrl("/x?token=secret&code=123456&keep=1")).toBe("/x?token=[redacted]&code=[redacted]&keep=1");
  });

  it("keeps tickets and completion tokens out of logged URLs", () => {
    expect(redactUrl("/x?completion_token=abc")).toBe("/x?completion_token=[redacted]");
    expect(redactUrl("/x?keep=1&ticket=t1#top")).toBe("/x?keep=1&ticket=[redacted]#top");
  });

  it("censors passwords, tokens and auth headers wherever they appear", () => {
    const out = JSON.stringify(
      logged({ password: "hunter22", body: { token: "tok" }, headers: { authorization: "Bearer abc" }, req: { url: "/account/verify/SECRET", method: "GET" } }),
    );
    expect(out).not.toMatch(/hunter22|"tok"|Bearer abc|SECRET/);
    expect(out).toContain("[redacted]");
  });

  it("censors client tokens, completion tokens, tickets and verification codes", () => {
    const line = logged({
      password: "p1",
      token: "t1",
      clientToken: "ct1",
      completionToken: "cpt1",
      authorization: "Bearer a1",
      ticket: "tk1",
      verificationCode: "123456",
      signUp: { clientToken: "ct2", completionToken: "cpt2", ticket: "tk2", verificationCode: "654321" },
      body: { code: "111222" },
      req: { method: "POST", url: "/x", body: { code: "333444" } },
    });
    expect(JSON.stringify(line)).not.toMatch(/p1|t1|ct\d|cpt\d|a1|tk\d|123456|654321|111222|333444/);
  });

  it("keeps error codes (a Postgres SQLSTATE, a Node errno) readable", () => {
    const line = logged({ err: { code: "23505", message: "duplicate key" }, error: { code: "ECONNREFUSED" }, code: "E_SOMETHING" });
    expect(line.err).toMatchObject({ code: "23505" });
    expect(line.error).toEqual({ code: "ECONNREFUSED" });
    expect(line.code).toBe("E_SOMETHING");
  });
});

describe("addresses in URLs", () => {
  it("are masked, whatever their encoding", () => {
    expect(redactUrl("/admin/users?email=resource.person%40example.com&x=1")).toBe("/admin/users?email=r•••@example.com&x=1");
    expect(redactUrl("/signup/check-email?email=a@b.test")).toBe("/signup/check-email?email=a•••@b.test");
    expect(redactUrl("/x?phoneNumber=%2B442079460958")).toBe("/x?phoneNumber=+44•••58");
  });
});

describe("trace ids", () => {
  it("are on lines written inside an active span, and absent outside one", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk, _enc, done) => {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ name: "t", level: "info" }, sink);
    const spanContext = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: 1 };
    // Without a context manager nothing is ever active (telemetry off): the line has no traceId.
    logger.info("outside");
    // getActiveSpan reads the active context; stand in for the SDK's context manager for one call.
    const getActiveSpan = vi.spyOn(trace, "getActiveSpan").mockReturnValue(trace.wrapSpanContext(spanContext));
    try {
      logger.child({ queue: "q" }).info("inside");
    } finally {
      getActiveSpan.mockRestore();
    }
    const [outside, inside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(outside).not.toHaveProperty("traceId");
    expect(inside).toMatchObject({ traceId: spanContext.traceId, spanId: spanContext.spanId, queue: "q" });
  });
});
