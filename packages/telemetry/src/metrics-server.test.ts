import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { recordJob } from "./metrics.ts";
import { startMetricsServer } from "./metrics-server.ts";

/** A port the kernel just handed out and took back: free for the next listen. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

describe("the worker metrics server", () => {
  it("serves Prometheus text with the job metrics, /healthz, and 404 elsewhere", async () => {
    const server = await startMetricsServer({ port: await freePort(), host: "127.0.0.1" });
    const base = `http://127.0.0.1:${server.port}`;
    try {
      recordJob("mail", "done", 0.02);
      recordJob("mail", "dead_letter", 1.5);
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get("content-type")).toContain("text/plain");
      const text = await metrics.text();
      expect(text).toContain('jobs_total{queue="mail",outcome="done"} 1');
      expect(text).toContain('jobs_total{queue="mail",outcome="dead_letter"} 1');
      expect(text).toContain('job_duration_seconds_bucket{le="0.025",queue="mail"} 1');
      expect(text).toContain("process_resident_memory_bytes");
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("is off on port 0, and says which variable to change when its port is taken", async () => {
    expect((await startMetricsServer({ port: 0, host: "127.0.0.1" })).port).toBeUndefined();
    const first = await startMetricsServer({ port: await freePort(), host: "127.0.0.1" });
    try {
      await expect(startMetricsServer({ port: first.port!, host: "127.0.0.1" })).rejects.toThrow(/METRICS_PORT \d+ on 127\.0\.0\.1 is taken/);
    } finally {
      await first.close();
    }
  });
});
