import { randomUUID } from "node:crypto";
import { bearerOf, isObject, nonEmptyString, startContractServer, type ContractServer, type RecordedRequest, type Reply } from "./harness.ts";

/**
 * A SCIM 2.0 service provider as RFC 7644 describes it, for contract tests:
 * - POST {base}/Users (application/scim+json) → 201 + Location, 400 invalidValue/invalidSyntax,
 *   409 scimType "uniqueness" when the userName is taken (case-insensitive, as Okta and Entra do);
 * - GET {base}/Users?filter=<attr> eq "<value>" (externalId, userName, emails.value) → ListResponse;
 * - GET {base}/Users/{id} → 200 or 404;
 * - DELETE {base}/Users/{id} → 204, empty body; 404 when there is no such user (§3.6);
 * - every request needs `Authorization: Bearer <token>` → else 401.
 * Faults target "create" (POST /Users), "lookup" (GET) and "delete" (DELETE /Users/{id}).
 */

export type ScimStoredUser = {
  id: string;
  userName: string;
  externalId?: string;
  name?: Record<string, unknown>;
  displayName?: string;
  emails?: Array<{ value: string; type?: string; primary?: boolean }>;
  active: boolean;
};

export type ScimServer = ContractServer<ScimStoredUser> & {
  /** Where the adapter's SCIM_BASE_URL points: the server root plus /scim/v2. */
  baseUrl: string;
  token: string;
};

const errorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";
const listSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const userSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
const basePath = "/scim/v2";

const scimError = (status: number, detail: string, scimType?: string) => ({
  schemas: [errorSchema],
  status: String(status),
  ...(scimType ? { scimType } : {}),
  detail,
});

export async function startScimServer(options: { token?: string } = {}): Promise<ScimServer> {
  const token = options.token ?? "scim-test-token";
  const users = new Map<string, ScimStoredUser>();
  let root = "";

  const resource = (user: ScimStoredUser) => ({
    schemas: [userSchema],
    ...user,
    meta: { resourceType: "User", location: `${root}${basePath}/Users/${user.id}` },
  });

  function create(request: RecordedRequest): Reply {
    const type = request.headers["content-type"] ?? "";
    if (!type.startsWith("application/scim+json") && !type.startsWith("application/json")) {
      return { status: 400, body: scimError(400, "Content-Type must be application/scim+json", "invalidSyntax") };
    }
    const body = request.body;
    if (!isObject(body)) return { status: 400, body: scimError(400, "request body must be a JSON object", "invalidSyntax") };
    if (!Array.isArray(body.schemas) || !body.schemas.includes(userSchema)) {
      return { status: 400, body: scimError(400, `schemas must include ${userSchema}`, "invalidValue") };
    }
    if (!nonEmptyString(body.userName)) return { status: 400, body: scimError(400, "Required attribute userName is missing", "invalidValue") };
    const userName = body.userName;
    if ([...users.values()].some((u) => u.userName.toLowerCase() === userName.toLowerCase())) {
      return { status: 409, body: scimError(409, `userName ${userName} is already in use`, "uniqueness") };
    }
    const user: ScimStoredUser = {
      id: randomUUID(),
      userName,
      ...(nonEmptyString(body.externalId) ? { externalId: body.externalId } : {}),
      ...(isObject(body.name) ? { name: body.name } : {}),
      ...(nonEmptyString(body.displayName) ? { displayName: body.displayName } : {}),
      ...(Array.isArray(body.emails)
        ? { emails: body.emails.filter(isObject).map((e) => ({ value: String(e.value), type: String(e.type ?? "work"), primary: e.primary === true })) }
        : {}),
      active: body.active !== false,
    };
    users.set(user.id, user);
    const created = resource(user);
    return { status: 201, body: created, headers: { location: created.meta.location }, contentType: "application/scim+json" };
  }

  function list(request: RecordedRequest): Reply {
    const filter = request.query.get("filter");
    let found = [...users.values()];
    if (filter !== null) {
      // The subset of RFC 7644 §3.4.2.2 adapters use: one `attr eq "value"` comparison.
      const match = /^\s*(externalId|userName|emails\.value)\s+eq\s+("(?:[^"\\]|\\.)*")\s*$/i.exec(filter);
      if (!match?.[1] || !match[2]) return { status: 400, body: scimError(400, `unsupported filter: ${filter}`, "invalidFilter") };
      const attribute = match[1].toLowerCase();
      const value = JSON.parse(match[2]) as string;
      found = found.filter((u) => {
        if (attribute === "externalid") return u.externalId === value;
        if (attribute === "username") return u.userName.toLowerCase() === value.toLowerCase();
        return (u.emails ?? []).some((e) => e.value.toLowerCase() === value.toLowerCase());
      });
    }
    return {
      status: 200,
      body: { schemas: [listSchema], totalResults: found.length, startIndex: 1, itemsPerPage: found.length, Resources: found.map(resource) },
      contentType: "application/scim+json",
    };
  }

  const server = await startContractServer(users, {
    errorContentType: "application/scim+json",
    errorBody: (status, message) => scimError(status, message),
    classify: (method, path) => {
      if (!path.startsWith(`${basePath}/Users`)) return undefined;
      if (method === "DELETE") return "delete";
      return method === "POST" ? "create" : "lookup";
    },
    handle(request) {
      if (bearerOf(request) !== token) return { status: 401, body: scimError(401, "Authorization failure: invalid bearer token") };
      if (request.method === "POST" && request.path === `${basePath}/Users`) return create(request);
      if (request.method === "GET" && request.path === `${basePath}/Users`) return list(request);
      const single = new RegExp(`^${basePath}/Users/([^/]+)$`).exec(request.path);
      if (request.method === "GET" && single?.[1]) {
        const user = users.get(decodeURIComponent(single[1]));
        return user ? { status: 200, body: resource(user) } : { status: 404, body: scimError(404, "Resource not found") };
      }
      if (request.method === "DELETE" && single?.[1]) {
        const id = decodeURIComponent(single[1]);
        return users.delete(id) ? { status: 204 } : { status: 404, body: scimError(404, `Resource ${id} not found`) };
      }
      return { status: 404, body: scimError(404, `no route for ${request.method} ${request.path}`) };
    },
  });
  root = server.url;
  return { ...server, baseUrl: `${server.url}${basePath}`, token };
}
