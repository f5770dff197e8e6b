import type { FastifyReply } from "fastify";
import type { FetchLike } from "@signup/client";
import type { SettingsSource } from "../account-settings.ts";
import type { PageContext } from "../pages/page.ts";

/** What the page routes share: page context, the API's settings, how to reach the API, page headers. */
export type RouteDeps = {
  ctx: PageContext;
  settings: SettingsSource;
  sdk: { apiUrl: string; fetch?: FetchLike };
  htmlReply: (reply: FastifyReply) => FastifyReply;
};
