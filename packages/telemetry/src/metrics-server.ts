import { createServer, type Server } from "node:http";
import { collectDefaultMetrics } from "prom-client";
import { metricsRegistry } from "./metrics.ts";

export type MetricsServer = {
  /** The port it listens on; undefined when METRICS_PORT is 0. */
  port: number | undefined;
  close(): Promise<void>;
};

let defaultMetrics = false;

/**
 * A worker's `GET /metrics` (Prometheus text: process metrics and the job metrics) and
 * `GET /healthz` (200 while the event loop turns: the Kubernetes probes and the Docker
 * HEALTHCHECK ask it). Port 0 turns it off, for many processes on one machine (the tests).
 * A port that is taken fails start-up: a worker scraped by nobody should not look healthy.
 */
export async function startMetricsServer(options: { port: number; host: string }): Promise<MetricsServer> {
  if (options.port === 0) return { port: undefined, close: async () => {} };
  if (!defaultMetrics) {
    defaultMetrics = true;
    collectDefaultMetrics({ register: metricsRegistry });
  }
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
    } else if (path === "/healthz") {
      response.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    } else if (path === "/metrics") {
      metricsRegistry.metrics().then(
        (text) => response.writeHead(200, { "content-type": metricsRegistry.contentType }).end(text),
        (error: unknown) => response.writeHead(500, { "content-type": "text/plain" }).end(`${(error as Error).message}\n`),
      );
    } else {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  });
  await listen(server, options.port, options.host);
  return {
    port: options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a scraper's keep-alive connection must not hold shutdown
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE" ? new Error(`METRICS_PORT ${port} on ${host} is taken; set METRICS_PORT to a free port, or 0 to turn /metrics off`) : error,
      ),
    );
    server.listen(port, host, () => resolve());
  });
}
