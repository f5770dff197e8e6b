import { PermanentError } from "@signup/queue";
import type { IdpAdapter, IdpUser } from "./adapter.ts";
import { clientCredentials, sendAuthorized } from "./client-credentials.ts";
import { deleteOutcome, httpClient, stringField, type DescribeError, type HttpRequest } from "./http.ts";

export type SecureAuthConfig = {
  baseUrl: string;
  tenantId: string;
  poolId: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
};

/** The scopes the Identity Pools system API needs for creating, reading and deleting users. */
export const secureAuthScopes = "identity identity_self_registration";

/** Cloudentity errors: {status_code, error, error_code, details}. */
const describeSecureAuthError: DescribeError = (json) => {
  const error = stringField(json, "error") ?? stringField(json, "error_description");
  const code = stringField(json, "error_code");
  return error ? (code ? `${code}: ${error}` : error) : undefined;
};

/** Payload keys we fill from the user's own fields; a custom field never stands in for them. */
const profileKeys = new Set(["email", "name", "given_name", "family_name", "preferred_username"]);

/**
 * The NewUser body of the system API. Our id travels as an identifier of type "external" so the
 * pool itself enforces one user per sign-up and we can find it again by key. Custom fields go into
 * the payload, where the pool's payload schema (not our code) decides what it keeps.
 */
export function secureAuthUser(user: IdpUser) {
  const custom = Object.entries(user.metadata).filter(([key]) => !profileKeys.has(key));
  const payload: Record<string, unknown> = { ...Object.fromEntries(custom), email: user.email, name: user.displayName };
  if (user.firstName) payload.given_name = user.firstName;
  if (user.lastName) payload.family_name = user.lastName;
  if (user.username) payload.preferred_username = user.username;
  return {
    status: "active",
    identifiers: [
      { identifier: user.email, type: "email" },
      { identifier: user.externalId, type: "external" },
    ],
    // We verify the address ourselves; the pool learns it as unverified.
    verifiable_addresses: [{ address: user.email, type: "email", status: "active", verified: false }],
    payload,
    metadata: {},
  };
}

/** Cloudentity / SecureAuth Identity Pools system API with a client-credentials token. */
export function secureAuthAdapter(config: SecureAuthConfig, options: { now?: () => number } = {}): IdpAdapter {
  const http = httpClient({ vendor: "SecureAuth", timeoutMs: config.timeoutMs });
  const base = config.baseUrl.replace(/\/+$/, "");
  const tid = encodeURIComponent(config.tenantId);
  const pool = `${base}/api/identity/${tid}/system/pools/${encodeURIComponent(config.poolId)}`;
  const tokens = clientCredentials({
    http,
    tokenUrl: `${base}/${tid}/system/oauth2/token`,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    scope: secureAuthScopes,
    clientAuth: "basic",
    ...(options.now ? { now: options.now } : {}),
  });

  /** "Get user details by key": POST .../users/by_key {identifier}; 404 when there is none. */
  async function findByExternalId(externalId: string): Promise<string | undefined> {
    const request: HttpRequest = { method: "POST", url: `${pool}/users/by_key`, json: { identifier: externalId } };
    const response = await sendAuthorized(http, tokens, request);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw http.fail(request, response, describeSecureAuthError);
    return stringField(response.json, "id");
  }

  return {
    name: "secureauth",
    async provision(user) {
      const request: HttpRequest = { method: "POST", url: `${pool}/users`, json: secureAuthUser(user) };
      const response = await sendAuthorized(http, tokens, request);
      if (response.status === 201 || response.status === 200) {
        const id = stringField(response.json, "id");
        if (!id) throw new Error("SecureAuth created a user but answered without an id");
        return { internalId: id, adopted: false };
      }
      if (response.status === 409) {
        const id = await findByExternalId(user.externalId);
        if (id) return { internalId: id, adopted: true };
        throw new PermanentError(
          `SecureAuth: ${describeSecureAuthError(response.json, response.text) ?? "409"} (the email belongs to a user without our external id ${user.externalId})`,
        );
      }
      throw http.fail(request, response, describeSecureAuthError);
    },
    /** "Delete User Account" (systemDeleteUser): DELETE .../users/{userID} → 204; scope `identity`. */
    async deprovision({ internalId }) {
      const request: HttpRequest = { method: "DELETE", url: `${pool}/users/${encodeURIComponent(internalId)}` };
      return deleteOutcome(http, request, await sendAuthorized(http, tokens, request), describeSecureAuthError);
    },
  };
}
