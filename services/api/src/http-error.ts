import type { FastifyError, FastifyInstance } from "fastify";

export type FieldError = { field: string; code: string; message: string };

/** An error the client can act on: a status, a stable machine-readable code, a human message. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
  }
}

const parserErrors: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: "unsupported_media_type", message: "Send the body as application/json." },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: "invalid_json", message: "The body is empty; send a JSON object." },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: "invalid_json", message: "The body is not valid JSON." },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: "body_too_large", message: "The body is too large." },
};

/** Every error leaves as `{code, message, fields?}`; a stack trace never does. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) {
      return reply.status(error.statusCode).send({ code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) });
    }
    const parser = error.code ? parserErrors[error.code] : undefined;
    if (parser) return reply.status(error.code === "FST_ERR_CTP_BODY_TOO_LARGE" ? 413 : 400).send(parser);
    if (error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || (error instanceof SyntaxError && error.statusCode === 400)) {
      return reply.status(400).send(parserErrors.FST_ERR_CTP_INVALID_JSON_BODY);
    }
    if (error.statusCode === 429) return reply.status(429).send({ code: "rate_limited", message: error.message });
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ code: "bad_request", message: error.message });
    }
    request.log.error({ err: error }, "unhandled error");
    return reply.status(500).send({ code: "internal_error", message: "Something went wrong on our side; try again later." });
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ code: "not_found", message: `No route ${request.method} ${request.url.split("?")[0]}` }));
}
