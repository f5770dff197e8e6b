import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { HttpError } from "./http-error.ts";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Bearer ADMIN_TOKEN on every route of the instance it is added to; constant-time comparison. */
export function requireAdminToken(app: FastifyInstance, adminToken: string): void {
  const expected = digest(adminToken);
  app.addHook("onRequest", async (request) => {
    const header = request.headers.authorization ?? "";
    const [scheme, token] = header.split(" ");
    if (scheme?.toLowerCase() !== "bearer" || !token || !timingSafeEqual(digest(token), expected)) {
      throw new HttpError(401, "unauthorized", "A valid admin bearer token is required.");
    }
  });
}
