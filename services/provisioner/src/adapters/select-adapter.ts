import { parseConfig } from "@signup/config";
import type { Database } from "@signup/db";
import type { IdpAdapter } from "./adapter.ts";
import { beyondIdentityAdapter } from "./beyond-identity.ts";
import { idpShapes, type IdpName } from "./config.ts";
import { keycloakAdapter } from "./keycloak.ts";
import { localAdapter } from "./local.ts";
import { scimAdapter } from "./scim.ts";
import { secureAuthAdapter } from "./secureauth.ts";

export { idpConfigShape, idpNames, type IdpName } from "./config.ts";

export type SelectAdapterDeps = {
  db: Database;
  /** The environment holding the IdP's variables; main.ts has already validated it. */
  env?: Record<string, string | undefined>;
};

/** Builds the adapter for IDP from its own typed slice of the environment. */
export function selectAdapter(name: IdpName, { db, env = process.env }: SelectAdapterDeps): IdpAdapter {
  switch (name) {
    case "local":
      return localAdapter(db);
    case "beyond-identity": {
      if (env.BEYOND_IDENTITY_API === "legacy") {
        const c = parseConfig(idpShapes.beyondIdentityLegacy, env);
        return beyondIdentityAdapter({ api: "legacy", baseUrl: c.BEYOND_IDENTITY_BASE_URL, apiToken: c.BEYOND_IDENTITY_API_TOKEN, timeoutMs: c.IDP_TIMEOUT_MS });
      }
      const c = parseConfig(idpShapes.beyondIdentityV1, env);
      return beyondIdentityAdapter({
        api: "v1",
        baseUrl: c.BEYOND_IDENTITY_BASE_URL,
        apiToken: c.BEYOND_IDENTITY_API_TOKEN,
        tenantId: c.BEYOND_IDENTITY_TENANT_ID,
        realmId: c.BEYOND_IDENTITY_REALM_ID,
        timeoutMs: c.IDP_TIMEOUT_MS,
      });
    }
    case "secureauth": {
      const c = parseConfig(idpShapes.secureauth, env);
      return secureAuthAdapter({
        baseUrl: c.SECUREAUTH_BASE_URL,
        tenantId: c.SECUREAUTH_TENANT_ID,
        poolId: c.SECUREAUTH_POOL_ID,
        clientId: c.SECUREAUTH_CLIENT_ID,
        clientSecret: c.SECUREAUTH_CLIENT_SECRET,
        timeoutMs: c.IDP_TIMEOUT_MS,
      });
    }
    case "scim": {
      const c = parseConfig(idpShapes.scim, env);
      return scimAdapter({ baseUrl: c.SCIM_BASE_URL, token: c.SCIM_TOKEN, timeoutMs: c.IDP_TIMEOUT_MS });
    }
    case "keycloak": {
      const c = parseConfig(idpShapes.keycloak, env);
      return keycloakAdapter({
        baseUrl: c.KEYCLOAK_BASE_URL,
        realm: c.KEYCLOAK_REALM,
        clientId: c.KEYCLOAK_CLIENT_ID,
        clientSecret: c.KEYCLOAK_CLIENT_SECRET,
        timeoutMs: c.IDP_TIMEOUT_MS,
      });
    }
  }
}
