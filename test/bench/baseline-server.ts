// The bare baseline for `pnpm bench`'s register figure: POST /account/register for a new address
// with the SAME statements, in the same order, on the same tables as the API's register path
// (services/api/src/account/register-user.ts → createSignUp → settle → recordUser →
// prepareEmailVerification), captured from the driver and written out by hand. No logger, no
// validation library, no ORM: fastify with plain postgres.js (`sql.begin`). The ratio of the two
// is what our layers (validation, drizzle, hooks, logging, metrics) cost per sign-up.
//   DATABASE_URL=... PORT=... node --import tsx test/bench/baseline-server.ts
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import postgres from "postgres";
import { repoRoot } from "@signup/local-infra";

type Reply = { status(code: number): Reply; send(body: unknown): unknown };
type Route = (request: { body: unknown }, reply: Reply) => Promise<unknown>;
type Fastify = (options: { logger: boolean }) => {
  get(path: string, handler: Route): void;
  post(path: string, handler: Route): void;
  listen(options: { port: number; host: string }): Promise<string>;
  close(): Promise<void>;
};

// test/ does not depend on fastify: use the API's own copy, the same version the API runs.
const fastify = createRequire(`${repoRoot}services/api/package.json`)("fastify") as Fastify;
// The same pool size as the API's connectDb (packages/db/src/client.ts).
const sql = postgres(process.env.DATABASE_URL ?? "", { max: 10, onnotice: () => {}, connection: { application_name: "bench-baseline" } });

// drizzle spells out every column of sign_ups in its RETURNING lists; so do we.
const signUpColumns = sql.unsafe(
  `"id", "client_token_hash", "status", "email_address", "email_normalized", "username", "first_name", "last_name", "password_hash", "unsafe_metadata", "redirect_url", "user_id", "owns_user", "email_taken", "email_strategy", "email_prepared_at", "email_expire_at", "email_attempts", "email_verified_at", "phone_number", "phone_taken", "phone_prepared_at", "phone_expire_at", "phone_attempts", "phone_verified_at", "invite_id", "reminded_at", "email_hash", "completed_at", "abandon_at", "correlation_id", "created_at", "updated_at"`,
);
const cooldownSeconds = 60;
const ttlSeconds = 86_400;

const envelope = (type: string, correlationId: string, data: Record<string, unknown>) => ({ id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), correlationId, data });

async function register(email: string): Promise<void> {
  const normalized = email.trim().toLowerCase();
  const signUpId = randomUUID();
  const correlationId = randomUUID();
  const clientTokenHash = createHash("sha256").update(randomBytes(32).toString("base64url")).digest("hex");
  const signUpData = JSON.stringify({ signUpId });
  await sql.begin(async (tx) => {
    // createSignUp: the sign-up row and its audit entry.
    await tx`insert into sign_ups (id, client_token_hash, email_address, email_normalized, correlation_id) values (${signUpId}, ${clientTokenHash}, ${email}, ${normalized}, ${correlationId}) returning ${signUpColumns}`;
    await tx`insert into audit_log (actor, action, correlation_id, data) values ('public', 'sign_up.created', ${correlationId}, ${signUpData}::jsonb)`;
    // settle: who owns the address; nobody, so recordUser writes the user and UserRegistered.
    await tx`select id, status, correlation_id from users where email_normalized = ${normalized}`;
    const userId = randomUUID();
    await tx`insert into users (id, email, email_normalized, username, first_name, last_name, password_hash, metadata, status, email_verified_at, correlation_id)
      values (${userId}, ${email}, ${normalized}, ${null}, ${null}, ${null}, ${null}, ${"{}"}::jsonb, 'pending', ${null}, ${correlationId})
      on conflict (email_normalized) do nothing returning id`;
    const registered = envelope("UserRegistered", correlationId, { userId });
    await tx`insert into outbox (id, type, envelope) values (${registered.id}, ${registered.type}, ${JSON.stringify(registered)}::jsonb)`;
    await tx`insert into audit_log (actor, action, user_id, correlation_id, event_id, data) values ('public', 'user.registered', ${userId}, ${correlationId}, ${registered.id}, ${signUpData}::jsonb)`;
    // settle's closing update, once from createSignUp and once more from prepareEmailVerification.
    for (let i = 0; i < 2; i++) {
      await tx`update sign_ups set status = 'missing_requirements', user_id = ${userId}, owns_user = true, email_taken = false, phone_taken = false, completed_at = ${null}, updated_at = now()
        where id = ${signUpId} returning ${signUpColumns}`;
    }
    // prepareEmailVerification: the mail slot of the sign-up, the per-address throttle, the event.
    await tx`update sign_ups set email_strategy = 'email_link', email_prepared_at = now(), email_expire_at = now() + make_interval(secs => ${ttlSeconds}), email_attempts = 0, updated_at = now()
      where id = ${signUpId} returning ${signUpColumns}`;
    await tx`select id from sign_ups where email_normalized = ${normalized} and id <> ${signUpId} and email_prepared_at > now() - make_interval(secs => ${cooldownSeconds}) limit 1`;
    const prepared = envelope("EmailVerificationPrepared", correlationId, { signUpId, strategy: "email_link" });
    await tx`insert into outbox (id, type, envelope) values (${prepared.id}, ${prepared.type}, ${JSON.stringify(prepared)}::jsonb)`;
    await tx`update users set last_mail_requested_at = now() where id = ${userId}`;
    await tx`insert into audit_log (actor, action, user_id, correlation_id, event_id, data)
      values ('public', 'sign_up.verification_prepared', ${userId}, ${correlationId}, ${prepared.id}, ${JSON.stringify({ signUpId, strategy: "email_link" })}::jsonb)`;
  });
}

const app = fastify({ logger: false });
app.get("/healthz", async () => ({ status: "ok" }));
app.post("/account/register", async (request, reply) => {
  const email = (request.body as { email?: unknown } | null)?.email;
  if (typeof email !== "string") return reply.status(400).send({ code: "validation_failed" });
  await register(email);
  return reply.status(202).send({ status: "okay" });
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: "127.0.0.1" });
process.once("SIGTERM", () => void app.close().then(() => sql.end({ timeout: 2 })).then(() => process.exit(0)));
