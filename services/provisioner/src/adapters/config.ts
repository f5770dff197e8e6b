import { z } from "zod";
import { httpUrl, integer } from "@signup/config";

export const idpNames = ["local", "beyond-identity", "secureauth", "scim", "keycloak"] as const;
export type IdpName = (typeof idpNames)[number];

/**
 * Only the chosen IdP's variables are required, and a missing one says which IDP wants it, e.g.
 * "SCIM_BASE_URL: required when IDP=scim" — the operator sees the cause, not a bare "required".
 */
const required = (idp: IdpName, extra = "") => {
  const message = `required when IDP=${idp}${extra}`;
  return z
    .string({ error: (issue) => (issue.input === undefined ? message : undefined) })
    .trim()
    .min(1, message);
};
const requiredUrl = (idp: IdpName, extra = "") => required(idp, extra).pipe(httpUrl);

const timeout = { IDP_TIMEOUT_MS: integer(1, 120_000).default(10_000).describe("per-request timeout for IdP calls, ms") };

const beyondIdentityBase = {
  IDP: z.literal("beyond-identity"),
  ...timeout,
  BEYOND_IDENTITY_BASE_URL: requiredUrl("beyond-identity"),
  BEYOND_IDENTITY_API_TOKEN: required("beyond-identity"),
};

/**
 * Each shape carries IDP as a literal, so the parsed record is a union discriminated by IDP (and
 * BEYOND_IDENTITY_API): selectAdapter reads it typed, without parsing the environment again.
 */
export const idpShapes = {
  // The enum reports an unknown IDP with the list of names; the literal narrows the type.
  local: { IDP: z.enum(idpNames).default("local").pipe(z.literal("local")) },
  beyondIdentityLegacy: { ...beyondIdentityBase, BEYOND_IDENTITY_API: z.literal("legacy") },
  beyondIdentityV1: {
    ...beyondIdentityBase,
    BEYOND_IDENTITY_API: z.literal("v1", { error: 'must be "legacy" or "v1"' }).default("v1"),
    BEYOND_IDENTITY_TENANT_ID: required("beyond-identity", " and BEYOND_IDENTITY_API=v1"),
    BEYOND_IDENTITY_REALM_ID: required("beyond-identity", " and BEYOND_IDENTITY_API=v1"),
  },
  secureauth: {
    IDP: z.literal("secureauth"),
    ...timeout,
    SECUREAUTH_BASE_URL: requiredUrl("secureauth"),
    SECUREAUTH_TENANT_ID: required("secureauth"),
    SECUREAUTH_POOL_ID: required("secureauth"),
    SECUREAUTH_CLIENT_ID: required("secureauth"),
    SECUREAUTH_CLIENT_SECRET: required("secureauth"),
  },
  scim: { IDP: z.literal("scim"), ...timeout, SCIM_BASE_URL: requiredUrl("scim"), SCIM_TOKEN: required("scim") },
  keycloak: {
    IDP: z.literal("keycloak"),
    ...timeout,
    KEYCLOAK_BASE_URL: requiredUrl("keycloak"),
    KEYCLOAK_REALM: required("keycloak"),
    KEYCLOAK_CLIENT_ID: required("keycloak"),
    KEYCLOAK_CLIENT_SECRET: required("keycloak"),
  },
};

type Parsed<TShape extends z.ZodRawShape> = Readonly<z.output<z.ZodObject<TShape>>>;

/** IDP and the chosen IdP's variables as parsed at start-up (main.ts's config satisfies it). */
export type IdpConfig = { [K in keyof typeof idpShapes]: Parsed<(typeof idpShapes)[K]> }[keyof typeof idpShapes];

/**
 * IDP and the variables the chosen IdP needs, for main.ts to validate together with the rest at
 * start-up. beyond-identity depends on BEYOND_IDENTITY_API (legacy needs no tenant or realm).
 */
export function idpConfigShape(idp: string | undefined, env: Record<string, string | undefined> = process.env) {
  switch (idp) {
    case "beyond-identity":
      return env.BEYOND_IDENTITY_API === "legacy" ? idpShapes.beyondIdentityLegacy : idpShapes.beyondIdentityV1;
    case "secureauth":
    case "scim":
    case "keycloak":
      return idpShapes[idp];
    default:
      // "local", unset, or an unknown name (which the IDP enum reports).
      return idpShapes.local;
  }
}
