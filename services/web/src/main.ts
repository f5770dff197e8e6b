import { httpUrl, integer, common, loadConfigOrExit } from "@signup/config";
import { createLogger } from "@signup/logger";
import { z } from "zod";
import { buildWebApp } from "./app.ts";
import { clientBundlePathOrExit } from "./client-bundle.ts";
import { requestLogSerializers } from "./request-log.ts";

const config = loadConfigOrExit("web", {
  PORT: integer(0, 65_535).default(3001),
  HOST: z.string().default("127.0.0.1"),
  /** The public API, as the browser reaches it; this server calls the same URL. */
  API_URL: httpUrl,
  /** Where a completed sign-up lands (with ?completion_token=); by default this site's home page. */
  APP_URL: z.union([httpUrl, z.string().startsWith("/")]).default("/"),
  PRODUCT_NAME: z.string().min(1).default("Signup Pipeline"),
  LOG_LEVEL: common.LOG_LEVEL,
});

const clientBundlePath = clientBundlePathOrExit();
const logger = createLogger({ name: "web", level: config.LOG_LEVEL, serializers: requestLogSerializers });
const app = await buildWebApp({ logger, apiUrl: config.API_URL, appUrl: config.APP_URL, productName: config.PRODUCT_NAME, clientBundlePath });
await app.listen({ port: config.PORT, host: config.HOST });

let closing = false;
const shutdown = async (signal: string) => {
  if (closing) return;
  closing = true;
  logger.info({ signal }, "stopping");
  await app.close();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
