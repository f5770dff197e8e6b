import net from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startSmtpSink } from "@signup/test";
import { smtpSender } from "../src/smtp-sender.ts";

/**
 * patches/nodemailer@7.0.13.patch turns Nagle's algorithm off on SMTP connections: a message goes
 * out in several small writes and the server answers only after the last, so with Nagle on every
 * mail waited for the server's delayed ACK (~40 ms on Linux: 22 mails/s per pooled connection
 * against 306 with it off, `pnpm bench:smtp`). The figure belongs to the benchmark; this checks the
 * patch is applied, on a real session.
 */
describe("the mailer's SMTP sender", () => {
  afterEach(() => vi.restoreAllMocks());

  it("opens its connections with Nagle's algorithm off and delivers over them", async () => {
    const connect = vi.spyOn(net, "connect");
    const smtp = await startSmtpSink();
    const sender = smtpSender(smtp.url, "Test <no-reply@example.com>", { poolSize: 1 });
    try {
      for (const to of ["a@example.com", "b@example.com"]) await sender.send({ to, subject: "Hello", text: "Hi", html: "<p>Hi</p>", messageId: `<${to}>` });
      expect(smtp.mails.map((mail) => mail.to)).toEqual([["a@example.com"], ["b@example.com"]]);
      // net.connect's overloads type its calls as never; nodemailer passes one options object.
      const calls = connect.mock.calls as unknown as Array<[net.TcpNetConnectOpts]>;
      const toSink = calls.map(([options]) => options).filter((options) => options.port === smtp.port);
      expect(toSink).toEqual([expect.objectContaining({ noDelay: true })]);
    } finally {
      sender.close();
      await smtp.stop();
    }
  });
});
