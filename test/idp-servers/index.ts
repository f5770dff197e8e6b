// Local HTTP servers that follow each IdP vendor's documented contract (and a real SCIMMY server):
// the provisioner's contract tests and the end-to-end runs both drive adapters against these.
export * from "./harness.ts";
export * from "./scim-server.ts";
export * from "./scimmy-server.ts";
export * from "./secureauth-server.ts";
export * from "./keycloak-server.ts";
export * from "./beyond-identity-server.ts";
