import type { FastifyInstance } from "fastify";
import { hashCode, hashToken, generateToken } from "@signup/tokens";
import type { ApiJson, TestDatabase } from "@signup/test";

/** The resource as a front-end calls it, through fastify's inject (the API in-process, real PostgreSQL). */
export function signUpClient(app: FastifyInstance) {
  const call = async (method: "GET" | "POST" | "PATCH", url: string, token?: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const response = await app.inject({
      method,
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    return { status: response.statusCode, json: response.json() as ApiJson, headers: response.headers };
  };
  return {
    create: (body: unknown) => call("POST", "/v1/sign-ups", undefined, body),
    get: (id: string, token?: string) => call("GET", `/v1/sign-ups/${id}`, token),
    patch: (id: string, token: string, body: unknown) => call("PATCH", `/v1/sign-ups/${id}`, token, body),
    prepare: (id: string, token: string, body: unknown = { strategy: "email_code" }) => call("POST", `/v1/sign-ups/${id}/prepare-verification`, token, body),
    attempt: (id: string, token: string, code: string, strategy: "email_code" | "phone_code" = "email_code") =>
      call("POST", `/v1/sign-ups/${id}/attempt-verification`, token, { strategy, code }),
  };
}

/**
 * What the mailer does for EmailVerificationPrepared, written straight into the table so tests of
 * the API alone know the code (the end-to-end tests read it from the real mail instead).
 */
export async function plantCode(database: TestDatabase, signUpId: string, code: string): Promise<string> {
  const token = generateToken();
  const [row] = await database.sql`select user_id, owns_user, email_expire_at from sign_ups where id = ${signUpId}`;
  await database.sql`insert into verification_tokens (user_id, sign_up_id, token_hash, code_hash, expires_at)
    values (${row!.owns_user ? row!.user_id : null}, ${signUpId}, ${hashToken(token)}, ${hashCode(signUpId, code)}, ${row!.email_expire_at ?? new Date(Date.now() + 3_600_000)})`;
  return token;
}

export async function outboxTypes(database: TestDatabase, key: "userId" | "signUpId", id: string): Promise<string[]> {
  const rows = await database.sql`select type from outbox where envelope->'data'->>${key} = ${id} order by created_at, type`;
  return rows.map((row) => row.type as string);
}
