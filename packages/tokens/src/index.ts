import { createHash, randomBytes, randomInt } from "node:crypto";

/** 256 random bits, URL-safe: the secret in a verification link. */
export function generateToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What we store and look up: a leaked table gives no working link. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A 6-digit code for typing in; uniform over 000000..999999. */
export function generateCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, "0");
}

/**
 * Codes are short, so the hash is bound to the user: the same code of two users hashes apart and a
 * stolen table cannot be matched against one precomputed list of a million codes.
 */
export function hashCode(userId: string, code: string): string {
  return createHash("sha256").update(`${userId}:${code}`, "utf8").digest("hex");
}
