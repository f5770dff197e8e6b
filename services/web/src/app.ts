import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import fastifyStatic from "@fastify/static";
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { FetchLike } from "@signup/client";
import { sharedAssetsDir } from "@signup/html";
import type { Logger } from "@signup/logger";
import { createSettingsSource, type SettingsSource } from "./account-settings.ts";
import { pageHeaders } from "./page-headers.ts";
import { errorPage } from "./pages/error-page.ts";
import { checkEmailRoutes } from "./routes/check-email.ts";
import { checkPhoneRoutes } from "./routes/check-phone.ts";
import { homeRoutes } from "./routes/home.ts";
import type { RouteDeps } from "./routes/route-deps.ts";
import { signupRoutes } from "./routes/signup.ts";

export type WebDeps = {
  logger: Logger;
  /** The public API; the browser calls it directly, this server for plain form posts. */
  apiUrl: string;
  /** Where a completed sign-up lands, absolute or a path on this site. */
  appUrl: string;
  productName: string;
  /** The SDK's browser bundle, served as /assets/signup-client.js. */
  clientBundlePath: string;
  fetch?: FetchLike;
  settings?: SettingsSource;
};

const webAssetsDir = fileURLToPath(new URL("../assets/", import.meta.url));

/** The reference front-end: pages only; every sign-up step goes through the public API. */
export async function buildWebApp(deps: WebDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger, bodyLimit: 16 * 1024 });
  await app.register(cookie);
  await app.register(formbody);
  // app.js and its modules from here, app.css shared with the API's pages.
  await app.register(fastifyStatic, { root: [webAssetsDir, sharedAssetsDir], prefix: "/assets/", cacheControl: true, maxAge: "5m" });
  app.get("/assets/signup-client.js", (_request, reply) => reply.sendFile(basename(deps.clientBundlePath), dirname(deps.clientBundlePath)));

  const routeDeps: RouteDeps = {
    ctx: { productName: deps.productName, apiUrl: deps.apiUrl, appUrl: deps.appUrl },
    settings: deps.settings ?? createSettingsSource({ apiUrl: deps.apiUrl }),
    sdk: { apiUrl: deps.apiUrl, ...(deps.fetch ? { fetch: deps.fetch } : {}) },
    htmlReply: pageHeaders({ apiUrl: deps.apiUrl, appUrl: deps.appUrl }),
  };
  app.setNotFoundHandler((_request, reply) => routeDeps.htmlReply(reply).status(404).send(errorPage(routeDeps.ctx, "not_found")));
  app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, "unhandled error");
    return routeDeps.htmlReply(reply).status(status).send(errorPage(routeDeps.ctx, "failed"));
  });
  homeRoutes(app, routeDeps);
  signupRoutes(app, routeDeps);
  checkEmailRoutes(app, routeDeps);
  checkPhoneRoutes(app, routeDeps);
  return app;
}
