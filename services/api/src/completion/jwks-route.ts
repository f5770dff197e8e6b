import type { FastifyInstance } from "fastify";
import { docs } from "../openapi.ts";
import { jwks } from "./completion-token.ts";
import type { SigningKeys } from "./signing-keys.ts";

/**
 * Apps may cache the set for five minutes (the token lifetime). jose's createRemoteJWKSet refetches
 * on an unknown kid, so a rotated-in key is picked up at once; simpler clients wait out max-age.
 */
export function jwksRoutes(app: FastifyInstance, deps: { signingKeys: SigningKeys }): void {
  const body = JSON.stringify(jwks(deps.signingKeys));
  app.get("/.well-known/jwks.json", docs("JSON Web Key Set for completion tokens", { tags: ["account"] }), async (_request, reply) =>
    reply.header("cache-control", "public, max-age=300").type("application/json").send(body),
  );
}
