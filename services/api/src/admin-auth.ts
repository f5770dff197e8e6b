import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { queueBoardPath } from "./queue-board.ts";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** The token from `Bearer <token>`, or the password of HTTP Basic (how a browser opens bull-board). */
function presentedToken(header: string): string | undefined {
  const [scheme, value] = header.split(" ");
  if (!value) return undefined;
  if (scheme?.toLowerCase() === "bearer") return value;
  if (scheme?.toLowerCase() === "basic") return Buffer.from(value, "base64").toString("utf8").split(":").slice(1).join(":");
  return undefined;
}

const isQueueBoard = (url: string) => url.startsWith(queueBoardPath) && /^(?:$|[/?#])/.test(url.slice(queueBoardPath.length));

/** ADMIN_TOKEN on every route of the instance it is added to; constant-time comparison. */
export function requireAdminToken(app: FastifyInstance, adminToken: string): void {
  const expected = digest(adminToken);
  app.addHook("onRequest", async (request, reply) => {
    const token = presentedToken(request.headers.authorization ?? "");
    if (token && timingSafeEqual(digest(token), expected)) return;
    // Answered here rather than thrown: bull-board's plugin has an error handler of its own, which
    // would turn a thrown 401 into `{error: {key: "ERRORS.INTERNAL_SERVER_ERROR"}}`.
    if (isQueueBoard(request.url)) {
      // Browsers answer a Basic challenge with a password prompt: any user name, the token as password.
      reply.header("www-authenticate", 'Basic realm="signup-pipeline admin"');
      return reply.status(401).send({ code: "unauthorized", message: "Sign in with any user name and the admin token as the password." });
    }
    return reply.status(401).send({ code: "unauthorized", message: "A valid admin bearer token is required." });
  });
}
