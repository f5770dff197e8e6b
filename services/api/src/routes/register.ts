import type { FastifyInstance } from "fastify";
import type { Database } from "@signup/db";
import { hashPassword } from "../account/password.ts";
import { registerSchema } from "../account/register-schema.ts";
import { registerUser } from "../account/register-user.ts";
import { HttpError } from "../http-error.ts";
import { signupPage } from "../pages/signup-page.ts";
import { parseInput } from "../validation.ts";
import { formBody, isFormPost, publicPostLimit, type SiteSettings } from "./site-settings.ts";
import { docs } from "../openapi.ts";

export function registerRoutes(app: FastifyInstance, deps: { db: Database; site: SiteSettings }): void {
  const schema = registerSchema(deps.site.fields);

  app.post("/account/register", { ...publicPostLimit(deps.site), ...docs("Sign up", { tags: ["account"], body: schema, description: "202 {status:\"okay\"} for a new or a known address alike; 400 {code, message, fields} for bad input." }) }, async (request, reply) => {
    const form = isFormPost(request);
    const body = form ? formBody(request.body) : request.body;
    try {
      const { password, ...input } = parseInput(schema, body);
      // Hashed here, first: the plain password goes no further than this line.
      const passwordHash = password === undefined ? undefined : await hashPassword(password);
      await registerUser(deps.db, { ...input, passwordHash }, { correlationId: request.id, mailCooldownMs: deps.site.resendCooldownMs });
      if (form) return reply.redirect(`/signup/check-email?email=${encodeURIComponent(input.email)}`, 303);
      // Same answer for a new, pending or taken address: the response must not reveal which.
      return reply.status(202).send({ status: "okay" });
    } catch (error) {
      if (!form || !(error instanceof HttpError)) throw error;
      const values = { ...(body as Record<string, string>), password: "" };
      return reply
        .status(error.statusCode)
        .type("text/html; charset=utf-8")
        .send(signupPage(deps.site, { values, errors: error.fields ?? [], message: error.fields ? undefined : error.message }));
    }
  });
}
