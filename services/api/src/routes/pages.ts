import type { FastifyInstance } from "fastify";
import { publicSettings } from "../account/signup-fields.ts";
import { verifiedPage } from "../pages/verify-pages.ts";
import { htmlReply } from "./verify.ts";
import type { SiteSettings } from "./site-settings.ts";
import { docs } from "../openapi.ts";

/** What front-ends read, and the one page the verify button may land on. */
export function pageRoutes(app: FastifyInstance, deps: { site: SiteSettings }): void {
  const { site } = deps;
  app.get("/account/settings", docs("The instance's sign-up fields, for front-ends", { tags: ["account"] }), async () =>
    publicSettings(site.fields, site.resendCooldownMs),
  );
  app.get("/account/verified", async (_request, reply) => htmlReply(reply).send(verifiedPage(site)));
}
