import { PermanentError } from "@signup/queue";
import type { IdpAdapter, IdpUser } from "./adapter.ts";
import { bearer, deleteOutcome, field, httpClient, stringField, type DescribeError, type HttpRequest } from "./http.ts";

export type BeyondIdentityConfig =
  | { api: "legacy"; baseUrl: string; apiToken: string; timeoutMs: number }
  | { api: "v1"; baseUrl: string; apiToken: string; tenantId: string; realmId: string; timeoutMs: number };

/** Errors are {code, message, details?}, e.g. {code: "conflict", message: "..."}. */
const describeBeyondIdentityError: DescribeError = (json) => {
  const code = stringField(json, "code");
  const message = stringField(json, "message");
  const violations = field(field(json, "details"), "0");
  const fields = field(violations, "field_violations");
  const fieldText = Array.isArray(fields) ? fields.map((v) => `${stringField(v, "field")} ${stringField(v, "description")}`).join(", ") : "";
  return code || message ? [code, message, fieldText].filter(Boolean).join(": ") : undefined;
};

/** Beyond Identity usernames must be unique; our id is the fallback so every user has one. */
const usernameOf = (user: IdpUser) => user.username ?? user.externalId;

/**
 * The legacy sign-up guide's body: every field is required by the API. Neither API has a place for
 * custom fields (v1 traits are a fixed set), so user.metadata is not sent.
 */
export function legacyUser(user: IdpUser) {
  return {
    external_id: user.externalId,
    email: user.email,
    user_name: usernameOf(user),
    display_name: user.displayName,
    binding_token_delivery_method: "email",
  };
}

/** The current API's CreateIdentity body; traits_v0's external_id ("issued by the provisioning client") carries our id. */
export function v1Identity(user: IdpUser) {
  return {
    identity: {
      display_name: user.displayName,
      traits: {
        type: "traits_v0",
        username: usernameOf(user),
        primary_email_address: user.email,
        external_id: user.externalId,
        ...(user.firstName ? { given_name: user.firstName } : {}),
        ...(user.lastName ? { family_name: user.lastName } : {}),
      },
    },
  };
}

/** Beyond Identity: BEYOND_IDENTITY_API=legacy (/v1/manage/users) or v1 (tenants/realms/identities). */
export function beyondIdentityAdapter(config: BeyondIdentityConfig): IdpAdapter {
  const http = httpClient({ vendor: "Beyond Identity", timeoutMs: config.timeoutMs });
  const base = config.baseUrl.replace(/\/+$/, "");
  const headers = bearer(config.apiToken);

  if (config.api === "legacy") {
    return {
      name: "beyond-identity",
      async provision(user) {
        const request: HttpRequest = { method: "POST", url: `${base}/v1/manage/users`, headers, json: legacyUser(user) };
        const response = await http.send(request);
        if (response.status === 200 || response.status === 201) {
          // The guide returns the user; some deployments wrap it as {user: {...}}.
          const id = stringField(response.json, "internal_id") ?? stringField(field(response.json, "user"), "internal_id");
          if (!id) throw new Error("Beyond Identity created a user but answered without internal_id");
          return { internalId: id, adopted: false };
        }
        if (response.status === 409) {
          // The legacy API documents no lookup by external_id, so adopting would be a guess.
          throw new PermanentError(
            `Beyond Identity (legacy API) already has this user (${describeBeyondIdentityError(response.json, response.text) ?? "409"}); ` +
              `the legacy API cannot look users up by external_id ${user.externalId}: use BEYOND_IDENTITY_API=v1 or record the internal_id by hand`,
          );
        }
        throw http.fail(request, response, describeBeyondIdentityError);
      },
      async deprovision(user) {
        // The legacy API reference documents CreateUser and RecoverUser only; guessing a DELETE
        // route could remove the wrong account, so the dead letter tells the operator what to do.
        throw new PermanentError(
          `Beyond Identity (legacy API) has no documented way to delete a user: remove internal_id ${user.internalId} ` +
            `(external_id ${user.externalId}) in the admin console, or use BEYOND_IDENTITY_API=v1`,
        );
      },
    };
  }

  const identities = `${base}/v1/tenants/${encodeURIComponent(config.tenantId)}/realms/${encodeURIComponent(config.realmId)}/identities`;

  /**
   * ListIdentities supports only the filter `traits.username eq "..."`; the email is then checked,
   * and our id too when the identity carries an external_id (one made by hand, or before we sent
   * it, has none: username and email are then all there is to go on).
   */
  async function findOurs(user: IdpUser): Promise<string | undefined> {
    const filter = `traits.username eq ${JSON.stringify(usernameOf(user))}`;
    const request: HttpRequest = { method: "GET", url: `${identities}?${new URLSearchParams({ filter })}`, headers };
    const response = await http.send(request);
    if (response.status !== 200) throw http.fail(request, response, describeBeyondIdentityError);
    const list = field(response.json, "identities");
    const ours = (Array.isArray(list) ? list : []).find((identity) => {
      const traits = field(identity, "traits");
      const theirExternalId = stringField(traits, "external_id");
      return (
        stringField(traits, "primary_email_address")?.toLowerCase() === user.email.toLowerCase() && (!theirExternalId || theirExternalId === user.externalId)
      );
    });
    return ours === undefined ? undefined : stringField(ours, "id");
  }

  return {
    name: "beyond-identity",
    async provision(user) {
      const request: HttpRequest = { method: "POST", url: identities, headers, json: v1Identity(user) };
      const response = await http.send(request);
      if (response.status === 200 || response.status === 201) {
        const id = stringField(response.json, "id");
        if (!id) throw new Error("Beyond Identity created an identity but answered without id");
        return { internalId: id, adopted: false };
      }
      if (response.status === 409) {
        const id = await findOurs(user);
        if (id) return { internalId: id, adopted: true };
        throw new PermanentError(
          `Beyond Identity: ${describeBeyondIdentityError(response.json, response.text) ?? "409"} (taken by an identity with another username, email or external_id)`,
        );
      }
      throw http.fail(request, response, describeBeyondIdentityError);
    },
    /** DeleteIdentity: 200 with an empty body (scope identities:delete); 404 {code: "not_found"}. */
    async deprovision({ internalId }) {
      const request: HttpRequest = { method: "DELETE", url: `${identities}/${encodeURIComponent(internalId)}`, headers };
      return deleteOutcome(http, request, await http.send(request), describeBeyondIdentityError);
    },
  };
}
