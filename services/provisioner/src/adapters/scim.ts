import { PermanentError } from "@signup/queue";
import type { IdpAdapter, IdpUser } from "./adapter.ts";
import { bearer, deleteOutcome, field, httpClient, stringField, type DescribeError, type HttpRequest } from "./http.ts";

export type ScimConfig = { baseUrl: string; token: string; timeoutMs: number };

const userSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
/** Our extension for custom fields; a service provider has to know it, so it is sent only when used. */
export const signupExtensionSchema = "urn:signup-pipeline:params:scim:schemas:extension:signup:2.0:User";
const scimJson = "application/scim+json";

/** RFC 7644 §3.12 error: {schemas, status, scimType?, detail?}. */
const describeScimError: DescribeError = (json) => {
  const detail = stringField(json, "detail");
  const scimType = stringField(json, "scimType");
  return detail || scimType ? [scimType, detail].filter(Boolean).join(": ") : undefined;
};

/**
 * RFC 7643 §4.1 User; userName falls back to the email, the common choice of Okta and Entra.
 * Without custom fields the body names no extension: strict servers (SCIMMY) reject unknown ones.
 */
export function scimUser(user: IdpUser) {
  const core = {
    schemas: [userSchema],
    userName: user.username ?? user.email,
    externalId: user.externalId,
    name: { givenName: user.firstName ?? undefined, familyName: user.lastName ?? undefined, formatted: user.displayName },
    displayName: user.displayName,
    emails: [{ value: user.email, type: "work", primary: true }],
    active: true,
  };
  if (Object.keys(user.metadata).length === 0) return core;
  return { ...core, schemas: [userSchema, signupExtensionSchema], [signupExtensionSchema]: user.metadata };
}

/** RFC 7644 §3.4.2.2 filter; the value is a JSON string literal, so quotes and backslashes are escaped. */
export const externalIdFilter = (externalId: string) => `externalId eq ${JSON.stringify(externalId)}`;

/**
 * Any SCIM 2.0 service provider (Okta, Entra ID, ...): create, and on 409 uniqueness adopt by
 * externalId; remove with DELETE /Users/{id} (RFC 7644 §3.6: 204, then 404 for that id).
 */
export function scimAdapter(config: ScimConfig): IdpAdapter {
  const http = httpClient({ vendor: "SCIM", timeoutMs: config.timeoutMs });
  const base = config.baseUrl.replace(/\/+$/, "");
  const headers = { ...bearer(config.token), accept: scimJson };

  async function findByExternalId(externalId: string): Promise<string | undefined> {
    const url = `${base}/Users?${new URLSearchParams({ filter: externalIdFilter(externalId) })}`;
    const request: HttpRequest = { method: "GET", url, headers };
    const response = await http.send(request);
    if (response.status !== 200) throw http.fail(request, response, describeScimError);
    const resources = field(response.json, "Resources");
    const matches = Array.isArray(resources) ? resources.filter((r) => stringField(r, "externalId") === externalId) : [];
    if (matches.length > 1) throw new PermanentError(`SCIM has ${matches.length} users with externalId ${externalId}`);
    return matches[0] === undefined ? undefined : stringField(matches[0], "id");
  }

  return {
    name: "scim",
    async provision(user) {
      const request: HttpRequest = { method: "POST", url: `${base}/Users`, headers, json: scimUser(user), contentType: scimJson };
      const response = await http.send(request);
      if (response.status === 201 || response.status === 200) {
        const id = stringField(response.json, "id") ?? idFromLocation(response.headers.get("location"));
        if (!id) throw new Error("SCIM POST /Users answered 201 without an id");
        return { internalId: id, adopted: false };
      }
      if (response.status === 409) {
        // The user exists: either our earlier attempt got through (its answer lost) or a 409 race.
        const id = await findByExternalId(user.externalId);
        if (id) return { internalId: id, adopted: true };
        throw new PermanentError(
          `SCIM userName or email of ${user.externalId} is taken by a user with another externalId: ${describeScimError(response.json, response.text) ?? "409"}`,
        );
      }
      throw http.fail(request, response, describeScimError);
    },
    async deprovision({ internalId }) {
      const request: HttpRequest = { method: "DELETE", url: `${base}/Users/${encodeURIComponent(internalId)}`, headers };
      return deleteOutcome(http, request, await http.send(request), describeScimError);
    },
  };
}

function idFromLocation(location: string | null): string | undefined {
  if (!location) return undefined;
  const last = new URL(location, "http://x").pathname.split("/").filter(Boolean).pop();
  return last ? decodeURIComponent(last) : undefined;
}
