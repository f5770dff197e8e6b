import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance, FastifySchema } from "fastify";
import { z } from "zod";

/**
 * Route documentation generated from the same zod schemas the handlers parse with, so /docs cannot
 * drift from the code. Validation stays ours (stable {code, message, fields} errors), so fastify's
 * own validator is switched off: these schemas only describe.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  app.setValidatorCompiler(() => () => true);
  await app.register(swagger, {
    openapi: {
      info: { title: "signup-pipeline", version: "0.1.0", description: "Public sign-up API and the operators' admin API." },
      components: { securitySchemes: { admin: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN" } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
}

type DocOptions = { tags: string[]; body?: z.ZodType; querystring?: z.ZodType; admin?: boolean; description?: string };

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;

/** `{ schema }` route options for one route's documentation. */
export function docs(summary: string, options: DocOptions): { schema: FastifySchema } {
  return {
    schema: {
      summary,
      tags: options.tags,
      ...(options.description ? { description: options.description } : {}),
      ...(options.body ? { body: jsonSchema(options.body) } : {}),
      ...(options.querystring ? { querystring: jsonSchema(options.querystring) } : {}),
      ...(options.admin ? { security: [{ admin: [] }] } : {}),
    },
  };
}
