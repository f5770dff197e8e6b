import type { Database } from "@signup/db";
import type { IdpAdapter } from "./adapter.ts";
import { beyondIdentityAdapter } from "./beyond-identity.ts";
import type { IdpConfig } from "./config.ts";
import { keycloakAdapter } from "./keycloak.ts";
import { localAdapter } from "./local.ts";
import { scimAdapter } from "./scim.ts";
import { secureAuthAdapter } from "./secureauth.ts";

export { idpConfigShape, idpNames, type IdpConfig, type IdpName } from "./config.ts";

export type SelectAdapterDeps = { db: Database };

/** Builds the adapter for IDP from the configuration main.ts parsed and validated at start-up. */
export function selectAdapter(config: IdpConfig, { db }: SelectAdapterDeps): IdpAdapter {
  switch (config.IDP) {
    case "local":
      return localAdapter(db);
    case "beyond-identity":
      if (config.BEYOND_IDENTITY_API === "legacy") {
        return beyondIdentityAdapter({
          api: "legacy",
          baseUrl: config.BEYOND_IDENTITY_BASE_URL,
          apiToken: config.BEYOND_IDENTITY_API_TOKEN,
          timeoutMs: config.IDP_TIMEOUT_MS,
        });
      }
      return beyondIdentityAdapter({
        api: "v1",
        baseUrl: config.BEYOND_IDENTITY_BASE_URL,
        apiToken: config.BEYOND_IDENTITY_API_TOKEN,
        tenantId: config.BEYOND_IDENTITY_TENANT_ID,
        realmId: config.BEYOND_IDENTITY_REALM_ID,
        timeoutMs: config.IDP_TIMEOUT_MS,
      });
    case "secureauth":
      return secureAuthAdapter({
        baseUrl: config.SECUREAUTH_BASE_URL,
        tenantId: config.SECUREAUTH_TENANT_ID,
        poolId: config.SECUREAUTH_POOL_ID,
        clientId: config.SECUREAUTH_CLIENT_ID,
        clientSecret: config.SECUREAUTH_CLIENT_SECRET,
        timeoutMs: config.IDP_TIMEOUT_MS,
      });
    case "scim":
      return scimAdapter({ baseUrl: config.SCIM_BASE_URL, token: config.SCIM_TOKEN, timeoutMs: config.IDP_TIMEOUT_MS });
    case "keycloak":
      return keycloakAdapter({
        baseUrl: config.KEYCLOAK_BASE_URL,
        realm: config.KEYCLOAK_REALM,
        clientId: config.KEYCLOAK_CLIENT_ID,
        clientSecret: config.KEYCLOAK_CLIENT_SECRET,
        timeoutMs: config.IDP_TIMEOUT_MS,
      });
  }
}
