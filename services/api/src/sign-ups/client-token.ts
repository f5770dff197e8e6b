import { timingSafeEqual } from "node:crypto";
import { eq, type Executor, signUps } from "@signup/db";
import { generateToken, hashToken } from "@signup/tokens";
import { HttpError } from "../http-error.ts";
import type { SignUpRow } from "./fields.ts";

/** 256 random bits, shown once in the create answer; only its hash is kept. */
export function issueClientToken(): { token: string; hash: string } {
  const token = generateToken();
  return { token, hash: hashToken(token) };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = () => new HttpError(404, "not_found", "No such sign-up.");

/**
 * The sign-up a bearer of its client token may act on. An unknown id and a wrong or missing token
 * get the same 404, so the API is no oracle for which sign-ups exist.
 */
export async function authorizedSignUp(db: Executor, id: string, authorization: string | undefined, options: { lock?: boolean } = {}): Promise<SignUpRow> {
  const presented = /^Bearer (\S+)$/i.exec(authorization ?? "")?.[1];
  if (!uuidPattern.test(id) || !presented) throw notFound();
  const query = db.select().from(signUps).where(eq(signUps.id, id));
  const [row] = options.lock ? await query.for("update") : await query;
  const expected = Buffer.from(row?.clientTokenHash ?? "0".repeat(64));
  const given = Buffer.from(hashToken(presented));
  if (!row || !timingSafeEqual(expected, given)) throw notFound();
  return row;
}
