import { PermanentError } from "@signup/queue";
import type { IdpAdapter, IdpUser } from "./adapter.ts";
import { clientCredentials, sendAuthorized } from "./client-credentials.ts";
import { deleteOutcome, field, httpClient, stringField, type DescribeError, type HttpRequest } from "./http.ts";

export type KeycloakConfig = { baseUrl: string; realm: string; clientId: string; clientSecret: string; timeoutMs: number };

/** The user attribute that carries our id: Keycloak has no first-class external id. */
export const externalIdAttribute = "external_id";

/** Admin REST errors are {errorMessage} (409, 400 validation) or OAuth-style {error, error_description}. */
const describeKeycloakError: DescribeError = (json) =>
  stringField(json, "errorMessage") ?? stringField(json, "error_description") ?? stringField(json, "error");

/** Keycloak attributes are lists of strings: a structured custom field travels as its JSON. */
const attributeValue = (value: unknown) => (typeof value === "object" ? JSON.stringify(value) : String(value));

/**
 * UserRepresentation; Keycloak lowercases usernames, so the email is a safe fallback. Custom fields
 * become attributes, but never our external_id: adoption trusts that attribute.
 */
export function keycloakUser(user: IdpUser) {
  const custom = Object.entries(user.metadata).map(([key, value]): [string, string[]] => [key, [attributeValue(value)]]);
  return {
    username: user.username ?? user.email,
    email: user.email,
    firstName: user.firstName ?? undefined,
    lastName: user.lastName ?? undefined,
    enabled: true,
    // We verify the address ourselves; Keycloak would otherwise send its own mail.
    emailVerified: false,
    attributes: { ...Object.fromEntries(custom), [externalIdAttribute]: [user.externalId] },
  };
}

/** Keycloak admin REST API with a confidential client's service account (client_credentials). */
export function keycloakAdapter(config: KeycloakConfig, options: { now?: () => number } = {}): IdpAdapter {
  const http = httpClient({ vendor: "Keycloak", timeoutMs: config.timeoutMs });
  const base = config.baseUrl.replace(/\/+$/, "");
  const realm = encodeURIComponent(config.realm);
  const tokens = clientCredentials({
    http,
    tokenUrl: `${base}/realms/${realm}/protocol/openid-connect/token`,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    clientAuth: "post",
    ...(options.now ? { now: options.now } : {}),
  });
  const usersUrl = `${base}/admin/realms/${realm}/users`;

  /** By email (exact), then checks the attribute so we never adopt somebody else's account. */
  async function findOurs(user: IdpUser): Promise<string | undefined> {
    const request: HttpRequest = { method: "GET", url: `${usersUrl}?${new URLSearchParams({ email: user.email, exact: "true" })}` };
    const response = await sendAuthorized(http, tokens, request);
    if (response.status !== 200) throw http.fail(request, response, describeKeycloakError);
    const found = Array.isArray(response.json) ? response.json : [];
    const ours = found.find((candidate) => {
      const values = field(field(candidate, "attributes"), externalIdAttribute);
      return Array.isArray(values) && values.includes(user.externalId);
    });
    return ours === undefined ? undefined : stringField(ours, "id");
  }

  return {
    name: "keycloak",
    async provision(user) {
      const request: HttpRequest = { method: "POST", url: usersUrl, json: keycloakUser(user) };
      const response = await sendAuthorized(http, tokens, request);
      if (response.status === 201) {
        // 201 has an empty body: the id is only the last segment of Location.
        const id = lastSegment(response.headers.get("location"));
        if (id) return { internalId: id, adopted: false };
        const found = await findOurs(user);
        if (found) return { internalId: found, adopted: false };
        throw new Error("Keycloak answered 201 without a Location and the user is not found yet");
      }
      if (response.status === 409) {
        const id = await findOurs(user);
        if (id) return { internalId: id, adopted: true };
        throw new PermanentError(
          `Keycloak: ${describeKeycloakError(response.json, response.text) ?? "409"} (an account without our ${externalIdAttribute} ${user.externalId})`,
        );
      }
      throw http.fail(request, response, describeKeycloakError);
    },
    /**
     * DELETE /admin/realms/{realm}/users/{id} → 204. Keycloak answers 404 for an unknown id only to a
     * caller that may view users (otherwise 403, so ids cannot be probed): hence `view-users`.
     */
    async deprovision({ internalId }) {
      const request: HttpRequest = { method: "DELETE", url: `${usersUrl}/${encodeURIComponent(internalId)}` };
      return deleteOutcome(http, request, await sendAuthorized(http, tokens, request), describeKeycloakError);
    },
  };
}

function lastSegment(location: string | null): string | undefined {
  if (!location) return undefined;
  const segment = new URL(location, "http://x").pathname.split("/").filter(Boolean).pop();
  return segment ? decodeURIComponent(segment) : undefined;
}
