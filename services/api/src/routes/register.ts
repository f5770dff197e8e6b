import type { FastifyInstance } from "fastify";
import type { Database } from "@signup/db";
import { hashPassword } from "../account/password.ts";
import { registerBody } from "../account/register-schema.ts";
import { registerUser } from "../account/register-user.ts";
import { parseInput } from "../validation.ts";

export function registerRoutes(app: FastifyInstance, deps: { db: Database }): void {
  app.post("/account/register", async (request, reply) => {
    const { password, ...input } = parseInput(registerBody, request.body);
    const passwordHash = password === undefined ? undefined : await hashPassword(password);
    await registerUser(deps.db, { ...input, passwordHash }, { correlationId: request.id });
    // Same answer for a new, pending or taken address: the response must not reveal which.
    return reply.status(202).send({ status: "okay" });
  });
}
