import type { FastifyInstance } from "fastify";
import type { Database } from "@signup/db";
import { hashPassword } from "../account/password.ts";
import { registerSchema } from "../account/register-schema.ts";
import { registerUser } from "../account/register-user.ts";
import { parseInput } from "../validation.ts";
import { publicPostLimit, type SiteSettings } from "./site-settings.ts";
import { docs } from "../openapi.ts";

export function registerRoutes(app: FastifyInstance, deps: { db: Database; site: SiteSettings }): void {
  const { site } = deps;
  const schema = registerSchema(site.fields);

  app.post(
    "/account/register",
    {
      ...publicPostLimit(site),
      ...docs("Sign up in one step", {
        tags: ["account"],
        body: schema,
        description: '202 {status:"okay"} for a new or a known address alike; 400 {code, message, fields} for bad input.',
      }),
    },
    async (request, reply) => {
      const { password, ...input } = parseInput(schema, request.body);
      // Hashed here, first: the plain password goes no further than this line.
      const passwordHash = password === undefined ? undefined : await hashPassword(password);
      await registerUser(
        deps.db,
        { ...input, ...(passwordHash !== undefined ? { passwordHash } : {}) },
        {
          correlationId: request.id,
          fields: site.fields,
          requestId: request.id,
          cooldownMs: site.resendCooldownMs,
          tokenTtlMs: site.tokenTtlMs,
        },
      );
      // Same answer for a new, pending or taken address: the response must not reveal which.
      return reply.status(202).send({ status: "okay" });
    },
  );
}
