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
  return z.string({ error: (issue) => (issue.input === undefined ? message : undefined) }).trim().min(1, message);
};
const requiredUrl = (idp: IdpName, extra = "") => required(idp, extra).pipe(httpUrl);

const timeout = { IDP_TIMEOUT_MS: integer(1, 120_000).default(10_000).describe("per-request timeout for IdP calls, ms") };

const beyondIdentityBase = {
  ...timeout,
  BEYOND_IDENTITY_BASE_URL: requiredUrl("beyond-identity"),
  BEYOND_IDENTITY_API_TOKEN: required("beyond-identity"),
};

export const idpShapes = {
  beyondIdentityLegacy: { ...beyondIdentityBase, BEYOND_IDENTITY_API: z.literal("legacy") },
  beyondIdentityV1: {
    ...beyondIdentityBase,
    BEYOND_IDENTITY_API: z.literal("v1", { error: 'must be "legacy" or "v1"' }).default("v1"),
    BEYOND_IDENTITY_TENANT_ID: required("beyond-identity", " and BEYOND_IDENTITY_API=v1"),
    BEYOND_IDENTITY_REALM_ID: required("beyond-identity", " and BEYOND_IDENTITY_API=v1"),
  },
  secureauth: {
    ...timeout,
    SECUREAUTH_BASE_URL: requiredUrl("secureauth"),
    SECUREAUTH_TENANT_ID: required("secureauth"),
    SECUREAUTH_POOL_ID: required("secureauth"),
    SECUREAUTH_CLIENT_ID: required("secureauth"),
    SECUREAUTH_CLIENT_SECRET: required("secureauth"),
  },
  scim: { ...timeout, SCIM_BASE_URL: requiredUrl("scim"), SCIM_TOKEN: required("scim") },
  keycloak: {
    ...timeout,
    KEYCLOAK_BASE_URL: requiredUrl("keycloak"),
    KEYCLOAK_REALM: required("keycloak"),
    KEYCLOAK_CLIENT_ID: required("keycloak"),
    KEYCLOAK_CLIENT_SECRET: required("keycloak"),
  },
};

/**
 * The variables the chosen IdP needs, for main.ts to validate together with the rest at start-up.
 * beyond-identity depends on BEYOND_IDENTITY_API (legacy needs no tenant or realm).
 */
export function idpConfigShape(idp: string | undefined, env: Record<string, string | undefined> = process.env): z.ZodRawShape {
  switch (idp) {
    case "beyond-identity":
      return env.BEYOND_IDENTITY_API === "legacy" ? idpShapes.beyondIdentityLegacy : idpShapes.beyondIdentityV1;
    case "secureauth":
    case "scim":
    case "keycloak":
      return idpShapes[idp];
    default:
      // "local", unset, or an unknown name (which the IDP enum itself reports).
      return {};
  }
}
