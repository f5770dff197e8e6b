import { randomUUID } from "node:crypto";
import { bearerOf, isObject, nonEmptyString, startContractServer, type ContractServer, type RecordedRequest, type Reply } from "./harness.ts";

/**
 * Beyond Identity, both APIs, one directory:
 * - legacy: POST /v1/manage/users {external_id, email, user_name, display_name,
 *   binding_token_delivery_method} (all required) → 200 user with internal_id; 409 on a taken email
 *   or user_name;
 * - v1: POST /v1/tenants/{tenant}/realms/{realm}/identities {identity: {display_name, traits: {type:
 *   "traits_v0", username, primary_email_address, external_id?, given_name?, family_name?}}} → 200
 *   identity with id; 409 {code: "conflict"}; external_id is the client's own id, not checked for
 *   uniqueness ("uniqueness controlled by the client");
 *   GET .../identities?filter=traits.username eq "x" → {identities, total_size};
 *   DELETE .../identities/{identity_id} (DeleteIdentity) → 200 with an empty body; 404
 *   {code: "not_found", message: "identity not found", details: [ResourceInfo]};
 * - the legacy API documents no delete, so there is no route for one here either;
 * - errors are {code, message, details?}; 400 bad_request lists field_violations; a wrong
 *   API token → 401 {code: "unauthorized", message: "unauthorized"}.
 * Faults target "create", "lookup" and "delete".
 */

export type BeyondIdentityStoredUser = {
  id: string;
  username: string;
  email: string;
  display_name: string;
  external_id?: string;
  given_name?: string;
  family_name?: string;
};

export type BeyondIdentityServer = ContractServer<BeyondIdentityStoredUser> & {
  baseUrl: string;
  apiToken: string;
  tenantId: string;
  realmId: string;
};

const error = (code: string, message: string, details?: unknown) => ({ code, message, ...(details ? { details } : {}) });
const fieldViolations = (fields: string[], description: string) =>
  error("bad_request", "invalid parameters", [{ type: "FieldViolations", field_violations: fields.map((field) => ({ field, description })) }]);
const missingFields = (fields: string[]) => fieldViolations(fields, "missing");
const invalidFields = (fields: string[]) => fieldViolations(fields, "invalid");

export async function startBeyondIdentityServer(options: { apiToken?: string; tenantId?: string; realmId?: string } = {}): Promise<BeyondIdentityServer> {
  const apiToken = options.apiToken ?? "bi-api-token-for-tests";
  const tenantId = options.tenantId ?? "0001f1f460b1ace6";
  const realmId = options.realmId ?? "8f5bec58229e6f29";
  const users = new Map<string, BeyondIdentityStoredUser>();
  const identitiesPath = `/v1/tenants/${tenantId}/realms/${realmId}/identities`;
  const legacyPath = "/v1/manage/users";
  const identityPath = new RegExp(`^${identitiesPath}/([^/:]+)$`);

  const conflict = (username: string, email: string): Reply | undefined => {
    const taken = [...users.values()].find((u) => u.username.toLowerCase() === username.toLowerCase() || u.email.toLowerCase() === email.toLowerCase());
    return taken ? { status: 409, body: error("conflict", "identity with this username or email address already exists") } : undefined;
  };

  function createLegacy(request: RecordedRequest): Reply {
    const body = isObject(request.body) ? request.body : {};
    const required = ["external_id", "email", "user_name", "display_name", "binding_token_delivery_method"];
    const missing = required.filter((key) => !nonEmptyString(body[key]));
    if (missing.length > 0) return { status: 400, body: missingFields(missing) };
    const [externalId, email, username, displayName] = [body.external_id, body.email, body.user_name, body.display_name].map(String) as [
      string,
      string,
      string,
      string,
    ];
    const taken = conflict(username, email);
    if (taken) return taken;
    const user: BeyondIdentityStoredUser = { id: randomUUID(), username, email, display_name: displayName, external_id: externalId };
    users.set(user.id, user);
    return { status: 200, body: { internal_id: user.id, external_id: externalId, email, user_name: username, display_name: displayName, state: "ACTIVE" } };
  }

  const identityOf = (user: BeyondIdentityStoredUser) => ({
    id: user.id,
    tenant_id: tenantId,
    realm_id: realmId,
    display_name: user.display_name,
    status: "active",
    traits: {
      type: "traits_v0",
      username: user.username,
      primary_email_address: user.email,
      external_id: user.external_id,
      given_name: user.given_name,
      family_name: user.family_name,
    },
  });

  function createIdentity(request: RecordedRequest): Reply {
    const identity = isObject(request.body) && isObject(request.body.identity) ? request.body.identity : undefined;
    const traits = identity && isObject(identity.traits) ? identity.traits : {};
    const missing = [
      ...(nonEmptyString(identity?.display_name) ? [] : ["identity.display_name"]),
      ...(traits.type === "traits_v0" ? [] : ["identity.traits.type"]),
      ...(nonEmptyString(traits.username) ? [] : ["identity.traits.username"]),
    ];
    if (missing.length > 0) return { status: 400, body: missingFields(missing) };
    if (traits.external_id !== undefined && typeof traits.external_id !== "string")
      return { status: 400, body: invalidFields(["identity.traits.external_id"]) };
    const username = String(traits.username);
    const email = nonEmptyString(traits.primary_email_address) ? traits.primary_email_address : "";
    const taken = conflict(username, email || "\u0000");
    if (taken) return taken;
    const user: BeyondIdentityStoredUser = {
      id: randomUUID().replaceAll("-", "").slice(0, 16),
      username,
      email,
      display_name: String(identity?.display_name),
      ...(typeof traits.external_id === "string" ? { external_id: traits.external_id } : {}),
      ...(nonEmptyString(traits.given_name) ? { given_name: traits.given_name } : {}),
      ...(nonEmptyString(traits.family_name) ? { family_name: traits.family_name } : {}),
    };
    users.set(user.id, user);
    return { status: 200, body: identityOf(user) };
  }

  function listIdentities(request: RecordedRequest): Reply {
    const filter = request.query.get("filter");
    let found = [...users.values()];
    if (filter !== null) {
      // The documented (and only) supported filter.
      const match = /^traits\.username eq ("(?:[^"\\]|\\.)*")$/.exec(filter.trim());
      if (!match?.[1]) return { status: 400, body: error("bad_request", `unsupported filter: ${filter}`) };
      const username = JSON.parse(match[1]) as string;
      found = found.filter((u) => u.username.toLowerCase() === username.toLowerCase());
    }
    return { status: 200, body: { identities: found.map(identityOf), total_size: found.length } };
  }

  function deleteIdentity(id: string): Reply {
    if (users.delete(id)) return { status: 200 };
    return {
      status: 404,
      body: error("not_found", "identity not found", [{ type: "ResourceInfo", resource_type: "Identity", id, description: "identity not found" }]),
    };
  }

  const server = await startContractServer(users, {
    errorBody: (status, message) => error(status === 429 ? "too_many_requests" : status >= 500 ? "internal" : "bad_request", message),
    classify: (method, path) => {
      if (path === legacyPath && method === "POST") return "create";
      if (path === identitiesPath) return method === "POST" ? "create" : "lookup";
      if (method === "DELETE" && identityPath.test(path)) return "delete";
      return undefined;
    },
    handle(request) {
      if (bearerOf(request) !== apiToken) return { status: 401, body: error("unauthorized", "unauthorized") };
      if (request.method === "POST" && request.path === legacyPath) return createLegacy(request);
      if (request.method === "POST" && request.path === identitiesPath) return createIdentity(request);
      if (request.method === "GET" && request.path === identitiesPath) return listIdentities(request);
      const identityId = request.method === "DELETE" ? identityPath.exec(request.path)?.[1] : undefined;
      if (identityId) return deleteIdentity(decodeURIComponent(identityId));
      return { status: 404, body: error("not_found", `no route for ${request.method} ${request.path}`) };
    },
  });
  return { ...server, baseUrl: server.url, apiToken, tenantId, realmId };
}
