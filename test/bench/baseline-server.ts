// The bare baseline for `pnpm bench`'s register figure: POST /account/register for a new address
// with the SAME statements, in the same order, on the same tables as the API's register path
// (services/api/src/account/register-user.ts: createSignUp's insert, then settle's save with the
// verification mail asked for; four round trips with BEGIN and COMMIT), captured from the
// driver (connectDb's onQuery) and written out by hand: when the API's statements change, so must these. No logger, no
// validation library, no ORM: fastify with plain postgres.js (`sql.begin`). The ratio of the two
// is what our layers (validation, drizzle, hooks, logging, metrics) cost per sign-up. A password,
// if sent, is hashed by the API's own hashPassword (its argon2id options, package and limit on
// hashes in flight), so that a password sign-up here differs from the API's by our layers alone.
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
const { hashPassword } = (await import(`${repoRoot}services/api/src/account/password.ts`)) as { hashPassword: (password: string) => Promise<string> };
// The same pool size as the API's connectDb (packages/db/src/client.ts).
const sql = postgres(process.env.DATABASE_URL ?? "", { max: 10, onnotice: () => {}, connection: { application_name: "bench-baseline" } });

// createSignUp: the sign-up (every column a step may set, the rest default), its audit entry and the address's owner.
const createSql = `with created as (insert into "sign_ups" ("id", "client_token_hash", "email_address", "email_normalized", "username", "first_name", "last_name", "password_hash", "unsafe_metadata", "redirect_url", "email_verified_at", "phone_number", "invite_id", "correlation_id")
    select ($1)::uuid, ($2)::text, ($3)::text, ($4)::text, ($5)::text, ($6)::text, ($7)::text, ($8)::text, ($9)::jsonb, ($10)::text, (case when $11 then now() end)::timestamp with time zone, ($12)::text, ($13)::uuid, ($14)::text where true returning *),
  audited as (insert into "audit_log" ("actor", "action", "user_id", "team_id", "correlation_id", "event_id", "data") select ($15)::text, ($16)::text, ($17)::uuid, ($18)::uuid, ($19)::text, ($20)::uuid, ($21)::jsonb where true),
  owner as (select id, status, correlation_id from "users" where email_normalized = $22)
  select created.*, (select id from owner) as owner_id, (select status from owner) as owner_status, (select correlation_id from owner) as owner_correlation_id from created`;
// settle's save with the mail asked for: the account (its last mail set), UserRegistered and its audit entry (EmailVerified's
// pair guarded off), the per-address throttle, the verification mail's event and audit entry, and the sign-up's derived
// columns and mail slot.
const saveSql = `with new_user as (insert into "users" ("id", "email", "email_normalized", "username", "first_name", "last_name", "password_hash", "metadata", "status", "email_verified_at", "last_mail_requested_at", "correlation_id")
    select ($1)::uuid, ($2)::text, ($3)::text, ($4)::text, ($5)::text, ($6)::text, ($7)::text, ($8)::jsonb, ($9)::text, (case when $10 then now() end)::timestamp with time zone, (case when $11 then now() end)::timestamp with time zone, ($12)::text where $13
    on conflict (email_normalized) do nothing returning id),
  registered as (insert into "outbox" ("id", "type", "envelope") select ($14)::uuid, ($15)::text, ($16)::jsonb where exists (select 1 from new_user)),
  registered_audit as (insert into "audit_log" ("actor", "action", "user_id", "team_id", "correlation_id", "event_id", "data") select ($17)::text, ($18)::text, ($19)::uuid, ($20)::uuid, ($21)::text, ($22)::uuid, ($23)::jsonb where exists (select 1 from new_user)),
  proved as (insert into "outbox" ("id", "type", "envelope") select ($24)::uuid, ($25)::text, ($26)::jsonb where $27 and exists (select 1 from new_user)),
  proved_audit as (insert into "audit_log" ("actor", "action", "user_id", "team_id", "correlation_id", "event_id", "data") select ($28)::text, ($29)::text, ($30)::uuid, ($31)::uuid, ($32)::text, ($33)::uuid, ($34)::jsonb where $35 and exists (select 1 from new_user)),
  mail_recent as (
    select 1 from "sign_ups" where email_normalized = $36 and id <> $37 and email_prepared_at > now() - make_interval(secs => $38) limit 1
  ),
  mail_event as (insert into "outbox" ("id", "type", "envelope") select ($39)::uuid, ($40)::text, ($41)::jsonb where (not $42 or exists (select 1 from new_user)) and not exists (select 1 from mail_recent) returning id),
  mail_touched as (update "users" set last_mail_requested_at = now() where id = $43::uuid and (not $44 or exists (select 1 from new_user)) returning id),
  mail_audit as (insert into "audit_log" ("actor", "action", "user_id", "team_id", "correlation_id", "event_id", "data")
    select ($45)::text, (case when exists (select 1 from mail_event) then 'sign_up.verification_prepared' else 'sign_up.verification_throttled' end)::text,
      (coalesce((select id from new_user), $46::uuid))::uuid, ($47)::uuid, ($48)::text, ((select id from mail_event))::uuid, ($49)::jsonb where (not $50 or exists (select 1 from new_user)))
  update "sign_ups" set user_id = coalesce((select id from new_user), $51::uuid), owns_user = $52 or exists (select 1 from new_user),
    email_taken = $53, phone_taken = $54, updated_at = now(),
    email_strategy = case when (not $55 or exists (select 1 from new_user)) then $56 else email_strategy end,
    email_prepared_at = case when (not $57 or exists (select 1 from new_user)) then now() else email_prepared_at end,
    email_expire_at = case when (not $58 or exists (select 1 from new_user)) then now() + make_interval(secs => $59) else email_expire_at end,
    email_attempts = case when (not $60 or exists (select 1 from new_user)) then 0 else email_attempts end,
    redirect_url = coalesce(case when (not $61 or exists (select 1 from new_user)) then $62::text end, redirect_url)
  where id = $63
  returning *`;
const cooldownSeconds = 60;
const ttlSeconds = 86_400;

const envelope = (type: string, correlationId: string, data: Record<string, unknown>) => ({ id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), correlationId, data });
const json = (value: unknown) => JSON.stringify(value);

async function register(email: string, password: string | undefined): Promise<void> {
  const passwordHash = password === undefined ? null : await hashPassword(password);
  const normalized = email.trim().toLowerCase();
  const signUpId = randomUUID();
  const correlationId = randomUUID();
  const clientTokenHash = createHash("sha256").update(randomBytes(32).toString("base64url")).digest("hex");
  const signUpData = json({ signUpId });
  await sql.begin(async (tx) => {
    const [created] = await tx.unsafe(
      createSql,
      [signUpId, clientTokenHash, email, normalized, null, null, null, passwordHash, "{}", null, false, null, null, correlationId, "public", "sign_up.created", null, null, correlationId, null, signUpData, normalized],
      { prepare: true },
    );
    if (!created || created.owner_id !== null) throw new Error("the baseline registers new addresses only");
    const userId = randomUUID();
    const registered = envelope("UserRegistered", correlationId, { userId });
    const proved = envelope("EmailVerified", correlationId, { userId });
    const provedData = json({ requestId: "req-1", signUpId, method: "sign_up" });
    const prepared = envelope("EmailVerificationPrepared", correlationId, { signUpId, strategy: "email_link" });
    const [saved] = await tx.unsafe(
      saveSql,
      [
        userId, email, normalized, null, null, null, passwordHash, "{}", "pending", false, true, correlationId, true,
        registered.id, registered.type, json(registered),
        "public", "user.registered", userId, null, correlationId, registered.id, signUpData,
        proved.id, proved.type, json(proved), false,
        "user", "user.email_verified", userId, null, correlationId, proved.id, provedData, false,
        normalized, signUpId, cooldownSeconds,
        prepared.id, prepared.type, json(prepared), true,
        null, true,
        "public", null, null, correlationId, json({ signUpId, strategy: "email_link" }), true,
        null, false, false, false,
        true, "email_link", true, true, ttlSeconds, true, true, null, signUpId,
      ],
      { prepare: true },
    );
    if (!saved?.email_prepared_at) throw new Error("the baseline asked for no mail");
  });
}

const app = fastify({ logger: false });
app.get("/healthz", async () => ({ status: "ok" }));
app.post("/account/register", async (request, reply) => {
  const { email, password } = (request.body ?? {}) as { email?: unknown; password?: unknown };
  if (typeof email !== "string" || (password !== undefined && typeof password !== "string")) return reply.status(400).send({ code: "validation_failed" });
  await register(email, password);
  return reply.status(202).send({ status: "okay" });
});
await app.listen({ port: Number(process.env.PORT ?? 0), host: "127.0.0.1" });
process.once("SIGTERM", () => void app.close().then(() => sql.end({ timeout: 2 })).then(() => process.exit(0)));
