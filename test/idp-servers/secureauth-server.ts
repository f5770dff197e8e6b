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
 * Cloudentity / SecureAuth Identity Pools, the parts the adapter uses:
 * - POST /{tid}/system/oauth2/token (client_credentials, Basic or form auth; scopes must include
 *   `identity`) → {access_token, expires_in, token_type}; bad client → 401 invalid_client;
 * - POST /api/identity/{tid}/system/pools/{poolId}/users (NewUser) → 201 UserWithData;
 *   400 when status or an identifier is missing/invalid; 409 when an identifier is taken;
 * - POST /api/identity/{tid}/system/pools/{poolId}/users/by_key {identifier} → 200 or 404;
 * - DELETE /api/identity/{tid}/system/pools/{poolId}/users/{userID} (systemDeleteUser) → 204,
 *   empty body; 404 when the pool has no such user;
 * - errors are {status_code, error, error_code, details}; an invalid/expired token → 401.
 * Faults target "token", "create", "lookup" and "delete".
 */

export type SecureAuthStoredUser = {
  id: string;
  tenant_id: string;
  user_pool_id: string;
  status: string;
  identifiers: Array<{ identifier: string; type: string }>;
  verifiable_addresses: unknown[];
  payload: Record<string, unknown>;
  metadata: Record<string, unknown>;
};

export type SecureAuthServer = ContractServer<SecureAuthStoredUser> & {
  baseUrl: string;
  tenantId: string;
  poolId: string;
  clientId: string;
  clientSecret: string;
  /** Invalidates every issued token: the next API call answers 401. */
  revokeTokens(): void;
};

export type SecureAuthServerOptions = { tenantId?: string; poolId?: string; clientId?: string; clientSecret?: string; tokenLifetimeSeconds?: number };

const errorBody = (status: number, error: string, errorCode = "", details: unknown = null) => ({ status_code: status, error, error_code: errorCode, details });
const identifierTypes = new Set(["email", "mobile", "uid", "external", "federated"]);
const userStatuses = new Set(["active", "inactive", "deleted", "new"]);

export async function startSecureAuthServer(options: SecureAuthServerOptions = {}): Promise<SecureAuthServer> {
  const tenantId = options.tenantId ?? "acme";
  const poolId = options.poolId ?? "pool-1";
  const clientId = options.clientId ?? "signup-provisioner";
  const clientSecret = options.clientSecret ?? "client-secret-for-tests";
  const tokens = tokenIssuer(options.tokenLifetimeSeconds ?? 3600);
  const users = new Map<string, SecureAuthStoredUser>();
  const poolPath = `/api/identity/${tenantId}/system/pools/${poolId}/users`;
  const tokenPath = `/${tenantId}/system/oauth2/token`;
  const userPath = new RegExp(`^${poolPath}/([^/]+)$`);

  const findByIdentifier = (identifier: string) =>
    [...users.values()].find((u) => u.identifiers.some((i) => i.identifier.toLowerCase() === identifier.toLowerCase()));

  function token(request: RecordedRequest): Reply {
    const client = clientOf(request);
    if (!client || client.id !== clientId || client.secret !== clientSecret) {
      return { status: 401, body: { error: "invalid_client", error_description: "client authentication failed" } };
    }
    if (!isObject(request.body) || request.body.grant_type !== "client_credentials") {
      return { status: 400, body: { error: "unsupported_grant_type", error_description: "only client_credentials" } };
    }
    const scopes = String(request.body.scope ?? "").split(" ");
    if (!scopes.includes("identity")) return { status: 400, body: { error: "invalid_scope", error_description: "scope identity is required" } };
    return { status: 200, body: { ...tokens.issue(), scope: scopes.join(" ") } };
  }

  function create(request: RecordedRequest): Reply {
    const body = request.body;
    if (!isObject(body)) return { status: 400, body: errorBody(400, "invalid request body", "bad_request") };
    if (!nonEmptyString(body.status) || !userStatuses.has(body.status)) {
      return { status: 400, body: errorBody(400, "status in body is required and must be one of active, inactive, deleted, new", "bad_request") };
    }
    const identifiers = Array.isArray(body.identifiers) ? body.identifiers : [];
    for (const entry of identifiers) {
      if (!isObject(entry) || !nonEmptyString(entry.identifier) || !nonEmptyString(entry.type) || !identifierTypes.has(entry.type)) {
        return { status: 400, body: errorBody(400, "identifiers: identifier and a valid type are required", "bad_request") };
      }
    }
    const cleaned = identifiers.filter(isObject).map((i) => ({ identifier: String(i.identifier), type: String(i.type) }));
    const taken = cleaned.find((i) => findByIdentifier(i.identifier));
    if (taken) return { status: 409, body: errorBody(409, `identifier ${taken.identifier} already registered`, "identifier_already_exists") };
    const user: SecureAuthStoredUser = {
      id: randomUUID(),
      tenant_id: tenantId,
      user_pool_id: poolId,
      status: body.status,
      identifiers: cleaned,
      verifiable_addresses: Array.isArray(body.verifiable_addresses) ? body.verifiable_addresses : [],
      payload: isObject(body.payload) ? body.payload : {},
      metadata: isObject(body.metadata) ? body.metadata : {},
    };
    users.set(user.id, user);
    return { status: 201, body: { ...user, created_at: new Date().toISOString() } };
  }

  function byKey(request: RecordedRequest): Reply {
    const identifier = isObject(request.body) ? request.body.identifier : undefined;
    if (!nonEmptyString(identifier)) return { status: 400, body: errorBody(400, "identifier or address is required", "bad_request") };
    const user = findByIdentifier(identifier);
    return user ? { status: 200, body: user } : { status: 404, body: errorBody(404, "user not found", "not_found") };
  }

  const server = await startContractServer(users, {
    errorBody: (status, message) => errorBody(status, message, status === 429 ? "too_many_requests" : "scripted"),
    classify: (method, path) => {
      if (path === tokenPath) return "token";
      if (path === `${poolPath}/by_key`) return "lookup";
      if (path === poolPath && method === "POST") return "create";
      if (method === "DELETE" && userPath.test(path)) return "delete";
      return undefined;
    },
    handle(request) {
      if (request.method === "POST" && request.path === tokenPath) return token(request);
      if (!tokens.valid(bearerOf(request))) return { status: 401, body: errorBody(401, "invalid or expired access token", "unauthorized") };
      if (request.method === "POST" && request.path === poolPath) return create(request);
      if (request.method === "POST" && request.path === `${poolPath}/by_key`) return byKey(request);
      const userId = request.method === "DELETE" ? userPath.exec(request.path)?.[1] : undefined;
      if (userId) {
        return users.delete(decodeURIComponent(userId)) ? { status: 204 } : { status: 404, body: errorBody(404, "user not found", "not_found") };
      }
      return { status: 404, body: errorBody(404, `no route for ${request.method} ${request.path}`, "not_found") };
    },
  });
  return { ...server, baseUrl: server.url, tenantId, poolId, clientId, clientSecret, revokeTokens: tokens.revokeAll };
}
