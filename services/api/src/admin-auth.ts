import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { HttpError } from "./http-error.ts";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** The token from `Bearer <token>`, or the password of HTTP Basic (how a browser opens bull-board). */
function presentedToken(header: string): string | undefined {
  const [scheme, value] = header.split(" ");
  if (!value) return undefined;
  if (scheme?.toLowerCase() === "bearer") return value;
  if (scheme?.toLowerCase() === "basic") return Buffer.from(value, "base64").toString("utf8").split(":").slice(1).join(":");
  return undefined;
}

/** ADMIN_TOKEN on every route of the instance it is added to; constant-time comparison. */
export function requireAdminToken(app: FastifyInstance, adminToken: string): void {
  const expected = digest(adminToken);
  app.addHook("onRequest", async (request, reply) => {
    const token = presentedToken(request.headers.authorization ?? "");
    if (!token || !timingSafeEqual(digest(token), expected)) {
      // Browsers answer a Basic challenge with a password prompt: any user name, the token as password.
      if (request.url.startsWith("/admin/queues")) reply.header("www-authenticate", 'Basic realm="signup-pipeline admin"');
      throw new HttpError(401, "unauthorized", "A valid admin bearer token is required.");
    }
  });
}
