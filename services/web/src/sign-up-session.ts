import type { FastifyReply, FastifyRequest } from "fastify";
import { createSignUpClient, type FetchLike, type SignUpResource } from "@signup/client";

/** The SDK's storage key: a storage holding it restores that sign-up (see @signup/client). */
const storageKey = "signup-pipeline:sign-up";
const cookieName = "signup_session";
const cookiePath = "/signup";

export type Session = { id: string; clientToken: string };

/**
 * Without JavaScript this server acts for the browser, so it needs the sign-up's id and client
 * token between requests. They live in an HttpOnly cookie scoped to /signup: page scripts cannot
 * read it, other paths never send it, and SameSite=Lax keeps other sites' forms from using it.
 */
export function readSession(request: FastifyRequest): Session | null {
  const raw = request.cookies[cookieName];
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Record<string, unknown>;
    return typeof value.id === "string" && typeof value.clientToken === "string" ? { id: value.id, clientToken: value.clientToken } : null;
  } catch {
    return null;
  }
}

export function saveSession(request: FastifyRequest, reply: FastifyReply, session: Session): void {
  reply.setCookie(cookieName, JSON.stringify(session), { path: cookiePath, httpOnly: true, sameSite: "lax", secure: request.protocol === "https" });
}

export function clearSession(reply: FastifyReply): void {
  reply.clearCookie(cookieName, { path: cookiePath });
}

/** A storage that lives for one request: pre-filled to restore a sign-up, read after create(). */
function requestStorage(session: Session | null) {
  const items = new Map<string, string>(session ? [[storageKey, JSON.stringify(session)]] : []);
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
    session(): Session | null {
      const raw = items.get(storageKey);
      return raw ? (JSON.parse(raw) as Session) : null;
    },
  };
}

export type ServerSignUp = { signUp: SignUpResource; session(): Session | null };

/** One SDK client per request, acting on the cookie's sign-up (or on a new one after create()). */
export function serverSignUp(deps: { apiUrl: string; fetch?: FetchLike }, session: Session | null): ServerSignUp {
  const storage = requestStorage(session);
  const { signUp } = createSignUpClient({ baseUrl: deps.apiUrl, storage, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  return { signUp, session: () => storage.session() };
}
