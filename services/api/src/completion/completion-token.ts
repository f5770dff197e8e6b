import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { PublicSigningJwk, SigningKeys } from "./signing-keys.ts";

export type CompletionClaims = {
  /** PUBLIC_URL: what the app passes to jwtVerify as `issuer`. */
  issuer: string;
  userId: string;
  email: string;
  signUpId: string;
  /** Unknown until provisioning has run; left out of the token rather than sent as null. */
  idp?: string | null;
  idpInternalId?: string | null;
};

export const defaultLifetimeSeconds = 300;

/** The ES256 JWT an app verifies against /.well-known/jwks.json once a sign-up is complete. */
export async function mintCompletionToken(keys: SigningKeys, claims: CompletionClaims, options: { lifetimeSeconds?: number } = {}): Promise<string> {
  const lifetime = options.lifetimeSeconds ?? defaultLifetimeSeconds;
  if (!Number.isInteger(lifetime) || lifetime <= 0) throw new Error("lifetimeSeconds must be a positive integer");
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({
    email: claims.email,
    // Only complete sign-ups get a token, and completing one proves the address.
    email_verified: true,
    ...(claims.idp != null ? { idp: claims.idp } : {}),
    ...(claims.idpInternalId != null ? { idp_internal_id: claims.idpInternalId } : {}),
    sign_up_id: claims.signUpId,
  })
    .setProtectedHeader({ alg: "ES256", kid: keys.current.kid, typ: "JWT" })
    .setIssuer(claims.issuer)
    .setSubject(claims.userId)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetime)
    .sign(keys.current.privateKey);
}

/** Current first; the previous key stays published so tokens minted before a rotation verify. */
export function jwks(keys: SigningKeys): { keys: PublicSigningJwk[] } {
  return { keys: keys.previous ? [keys.current.publicJwk, keys.previous.publicJwk] : [keys.current.publicJwk] };
}
