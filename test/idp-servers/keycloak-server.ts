import { randomUUID } from "node:crypto";
import {
  bearerOf,
  clientOf,
  isObject,
  nonEmptyString,
  startContractServer,
  tokenIssuer,
  type ContractServer,
  type RecordedRequest,
  type Reply,
} from "./harness.ts";

/**
 * Keycloak's admin REST API, the parts the adapter uses:
 * - POST /realms/{realm}/protocol/openid-connect/token (client_credentials, form or Basic auth)
 *   → {access_token, expires_in, token_type}; bad client → 401 {error: "unauthorized_client", ...};
 * - POST /admin/realms/{realm}/users (UserRepresentation) → 201, empty body, Location .../users/{id};
 *   400 {errorMessage} on a missing username; 409 {errorMessage: "User exists with same username"
 *   | "User exists with same email"};
 * - GET /admin/realms/{realm}/users?email=&exact=true|username=&exact=true → UserRepresentation[];
 * - DELETE /admin/realms/{realm}/users/{id} → 204, empty body; 404 {error: "User not found"} for an
 *   unknown id (to a service account with view-users; Keycloak answers 403 to one without);
 * - an invalid/expired token → 401 {error: "HTTP 401 Unauthorized"}.
 * Faults target "token", "create", "lookup" and "delete".
 */

export type KeycloakStoredUser = {
  id: string;
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  enabled: boolean;
  emailVerified: boolean;
  attributes: Record<string, string[]>;
};

export type KeycloakServer = ContractServer<KeycloakStoredUser> & {
  baseUrl: string;
  realm: string;
  clientId: string;
  clientSecret: string;
  revokeTokens(): void;
};

export type KeycloakServerOptions = { realm?: string; clientId?: string; clientSecret?: string; tokenLifetimeSeconds?: number };

export async function startKeycloakServer(options: KeycloakServerOptions = {}): Promise<KeycloakServer> {
  const realm = options.realm ?? "signup";
  const clientId = options.clientId ?? "signup-provisioner";
  const clientSecret = options.clientSecret ?? "keycloak-secret-for-tests";
  const tokens = tokenIssuer(options.tokenLifetimeSeconds ?? 300);
  const users = new Map<string, KeycloakStoredUser>();
  const tokenPath = `/realms/${realm}/protocol/openid-connect/token`;
  const usersPath = `/admin/realms/${realm}/users`;
  const userPath = new RegExp(`^${usersPath}/([^/]+)$`);
  let root = "";

  function token(request: RecordedRequest): Reply {
    const client = clientOf(request);
    if (!client || client.id !== clientId || client.secret !== clientSecret) {
      return { status: 401, body: { error: "unauthorized_client", error_description: "Invalid client or Invalid client credentials" } };
    }
    if (!isObject(request.body) || request.body.grant_type !== "client_credentials") {
      return { status: 400, body: { error: "unsupported_grant_type", error_description: "Unsupported grant_type" } };
    }
    return { status: 200, body: { ...tokens.issue(), refresh_expires_in: 0, "not-before-policy": 0, scope: "profile email" } };
  }

  function create(request: RecordedRequest): Reply {
    const body = request.body;
    if (!isObject(body)) return { status: 400, body: { errorMessage: "Invalid request body" } };
    if (!nonEmptyString(body.username))
      return { status: 400, body: { field: "username", errorMessage: "error-user-attribute-required", params: ["username"] } };
    // Keycloak stores usernames and emails lowercased and compares them that way.
    const username = body.username.toLowerCase();
    const email = nonEmptyString(body.email) ? body.email.toLowerCase() : undefined;
    const existing = [...users.values()];
    if (existing.some((u) => u.username === username)) return { status: 409, body: { errorMessage: "User exists with same username" } };
    if (email && existing.some((u) => u.email === email)) return { status: 409, body: { errorMessage: "User exists with same email" } };
    const attributes: Record<string, string[]> = {};
    if (isObject(body.attributes)) {
      for (const [key, value] of Object.entries(body.attributes)) if (Array.isArray(value)) attributes[key] = value.map(String);
    }
    const user: KeycloakStoredUser = {
      id: randomUUID(),
      username,
      ...(email ? { email } : {}),
      ...(nonEmptyString(body.firstName) ? { firstName: body.firstName } : {}),
      ...(nonEmptyString(body.lastName) ? { lastName: body.lastName } : {}),
      enabled: body.enabled === true,
      emailVerified: body.emailVerified === true,
      attributes,
    };
    users.set(user.id, user);
    return { status: 201, headers: { location: `${root}${usersPath}/${user.id}` } };
  }

  function search(request: RecordedRequest): Reply {
    const exact = request.query.get("exact") === "true";
    const matches = (actual: string | undefined, wanted: string | null) =>
      wanted === null || (actual !== undefined && (exact ? actual === wanted.toLowerCase() : actual.includes(wanted.toLowerCase())));
    const found = [...users.values()].filter((u) => matches(u.email, request.query.get("email")) && matches(u.username, request.query.get("username")));
    return { status: 200, body: found.map((u) => ({ ...u, createdTimestamp: Date.now() })) };
  }

  const server = await startContractServer(users, {
    errorBody: (status, message) => (status === 401 ? { error: "HTTP 401 Unauthorized" } : { errorMessage: message }),
    classify: (method, path) => {
      if (path === tokenPath) return "token";
      if (path === usersPath) return method === "POST" ? "create" : "lookup";
      if (method === "DELETE" && userPath.test(path)) return "delete";
      return undefined;
    },
    handle(request) {
      if (request.method === "POST" && request.path === tokenPath) return token(request);
      if (!tokens.valid(bearerOf(request))) return { status: 401, body: { error: "HTTP 401 Unauthorized" } };
      if (request.method === "POST" && request.path === usersPath) return create(request);
      if (request.method === "GET" && request.path === usersPath) return search(request);
      const userId = request.method === "DELETE" ? userPath.exec(request.path)?.[1] : undefined;
      if (userId) return users.delete(decodeURIComponent(userId)) ? { status: 204 } : { status: 404, body: { error: "User not found" } };
      return { status: 404, body: { error: "Unable to find matching target resource method" } };
    },
  });
  root = server.url;
  return { ...server, baseUrl: server.url, realm, clientId, clientSecret, revokeTokens: tokens.revokeAll };
}
