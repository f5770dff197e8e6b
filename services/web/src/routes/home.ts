import type { FastifyInstance } from "fastify";
import { homePage } from "../pages/home-page.ts";
import { verifiedPage } from "../pages/verified-page.ts";
import type { RouteDeps } from "./route-deps.ts";

type HomeQuery = { Querystring: { completion_token?: string } };

/** The two pages that need nothing from the API: the stand-in app, and the verify tab's landing. */
export function homeRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { ctx, htmlReply } = deps;
  app.get<HomeQuery>("/", async (request, reply) => htmlReply(reply).send(homePage(ctx, { signedUp: Boolean(request.query.completion_token) })));
  app.get("/signup/verified", async (_request, reply) => htmlReply(reply).send(verifiedPage(ctx)));
  app.get("/healthz", async () => ({ status: "ok" }));
}
