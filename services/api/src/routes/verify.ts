import type { FastifyInstance, FastifyReply } from "fastify";
import type { Database } from "@signup/db";
import { consumeToken, inspectToken, tokenFailure } from "../account/verify-token.ts";
import { HttpError } from "../http-error.ts";
import { tokenProblemPage, verifyPage } from "../views/verify-pages.ts";

type TokenParams = { Params: { token: string } };

function htmlHeaders(reply: FastifyReply): FastifyReply {
  // The token is in the URL: never leak it to another site or a shared cache.
  return reply.header("referrer-policy", "no-referrer").header("cache-control", "no-store").type("text/html; charset=utf-8");
}

const wantsJson = (accept: string | undefined) => Boolean(accept?.includes("application/json"));

export function verifyRoutes(app: FastifyInstance, deps: { db: Database; appUrl: string }): void {
  // GET never changes state: it only shows the button (or why the link is no good).
  app.get<TokenParams>("/account/verify/:token", async (request, reply) => {
    const state = await inspectToken(deps.db, request.params.token);
    htmlHeaders(reply);
    if (state !== "valid") return reply.status(tokenFailure(state).statusCode).send(tokenProblemPage(state));
    return reply.send(verifyPage(`/account/verify/${encodeURIComponent(request.params.token)}`));
  });

  app.post<TokenParams>("/account/verify/:token", async (request, reply) => {
    const json = wantsJson(request.headers.accept);
    try {
      await consumeToken(deps.db, request.params.token, { requestId: request.id });
    } catch (error) {
      if (json || !(error instanceof HttpError)) throw error;
      return htmlHeaders(reply).status(error.statusCode).send(tokenProblemPage(error.code as "token_invalid"));
    }
    if (json) return reply.send({ status: "verified" });
    return reply.header("referrer-policy", "no-referrer").redirect(deps.appUrl, 303);
  });
}
