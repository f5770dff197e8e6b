import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@signup/config";
import { connectDb } from "@signup/db";
import { idpConfigShape } from "../../src/adapters/config.ts";
import { selectAdapter } from "../../src/adapters/select-adapter.ts";

/** What main.ts does at start-up: IDP and the chosen IdP's variables in one pass. */
const parseIdp = (env: Record<string, string>) => parseConfig(idpConfigShape(env.IDP, env), env);
const problemsFor = (env: Record<string, string>) => {
  try {
    parseIdp(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe("IdP configuration", () => {
  it("names each missing variable for the chosen IDP", () => {
    expect(problemsFor({ IDP: "scim" })).toEqual(["SCIM_BASE_URL: required when IDP=scim", "SCIM_TOKEN: required when IDP=scim"]);
    expect(problemsFor({ IDP: "keycloak", KEYCLOAK_BASE_URL: "https://kc.example", KEYCLOAK_REALM: "r", KEYCLOAK_CLIENT_ID: "c" })).toEqual([
      "KEYCLOAK_CLIENT_SECRET: required when IDP=keycloak",
    ]);
    expect(problemsFor({ IDP: "secureauth" })).toHaveLength(5);
  });

  it("asks Beyond Identity v1 for tenant and realm, legacy only for URL and token", () => {
    expect(problemsFor({ IDP: "beyond-identity", BEYOND_IDENTITY_BASE_URL: "https://api-us.beyondidentity.com", BEYOND_IDENTITY_API_TOKEN: "t" })).toEqual([
      "BEYOND_IDENTITY_TENANT_ID: required when IDP=beyond-identity and BEYOND_IDENTITY_API=v1",
      "BEYOND_IDENTITY_REALM_ID: required when IDP=beyond-identity and BEYOND_IDENTITY_API=v1",
    ]);
    expect(
      problemsFor({
        IDP: "beyond-identity",
        BEYOND_IDENTITY_API: "legacy",
        BEYOND_IDENTITY_BASE_URL: "https://api.byndid.com",
        BEYOND_IDENTITY_API_TOKEN: "t",
      }),
    ).toEqual([]);
    expect(
      problemsFor({
        IDP: "beyond-identity",
        BEYOND_IDENTITY_API: "v2",
        BEYOND_IDENTITY_BASE_URL: "https://x",
        BEYOND_IDENTITY_API_TOKEN: "t",
        BEYOND_IDENTITY_TENANT_ID: "t",
        BEYOND_IDENTITY_REALM_ID: "r",
      }),
    ).toEqual(['BEYOND_IDENTITY_API: must be "legacy" or "v1"']);
  });

  it("checks URLs and the timeout, and needs nothing for local", () => {
    expect(problemsFor({ IDP: "scim", SCIM_BASE_URL: "ftp://x", SCIM_TOKEN: "t", IDP_TIMEOUT_MS: "0" })).toEqual([
      "IDP_TIMEOUT_MS: Too small: expected number to be >=1",
      "SCIM_BASE_URL: must be a URL with scheme http: or https:",
    ]);
    expect(problemsFor({})).toEqual([]);
    expect(problemsFor({ IDP: "okta" })[0]).toMatch(/^IDP: /);
  });

  it("selectAdapter builds the adapter the parsed configuration names", async () => {
    // Never connected: postgres.js opens connections lazily and only the local adapter queries.
    const { db, close } = connectDb("postgres://nobody@127.0.0.1:1/none");
    try {
      const scim = parseIdp({ IDP: "scim", SCIM_BASE_URL: "https://scim.example/v2", SCIM_TOKEN: "t" });
      expect(selectAdapter(scim, { db }).name).toBe("scim");
      expect(
        selectAdapter(
          parseIdp({ IDP: "beyond-identity", BEYOND_IDENTITY_API: "legacy", BEYOND_IDENTITY_BASE_URL: "https://x", BEYOND_IDENTITY_API_TOKEN: "t" }),
          { db },
        ).name,
      ).toBe("beyond-identity");
      expect(selectAdapter(parseIdp({}), { db }).name).toBe("local");
    } finally {
      await close();
    }
  });
});
