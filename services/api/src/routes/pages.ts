import type { FastifyInstance } from "fastify";
import { publicSettings } from "../account/signup-fields.ts";
import { checkEmailPage, homePage } from "../pages/check-email-page.ts";
import { signupPage } from "../pages/signup-page.ts";
import { verifiedPage } from "../pages/verify-pages.ts";
import { htmlReply } from "./verify.ts";
import type { SiteSettings } from "./site-settings.ts";
import { docs } from "../openapi.ts";

type EmailQuery = { Querystring: { email?: string; resent?: string } };

/** The reference front-end: pages a person can use as they are, built on the public API. */
export function pageRoutes(app: FastifyInstance, deps: { site: SiteSettings }): void {
  const { site } = deps;
  const resendCooldownSeconds = Math.round(site.resendCooldownMs / 1_000);

  app.get("/account/settings", docs("The instance's sign-up fields, for front-ends", { tags: ["account"] }), async () => publicSettings(site.fields, site.resendCooldownMs));
  app.get("/", async (_request, reply) => htmlReply(reply).send(homePage(site)));
  app.get("/signup", async (_request, reply) => htmlReply(reply).send(signupPage(site)));
  app.get<EmailQuery>("/signup/check-email", async (request, reply) =>
    htmlReply(reply).send(checkEmailPage({ ...site, resendCooldownSeconds }, { email: request.query.email?.slice(0, 254), resent: request.query.resent === "1" })),
  );
  app.get("/account/verified", async (_request, reply) => htmlReply(reply).send(verifiedPage(site)));
}
