import { Agent, request } from "node:http";

export type Answer = { status: number; body: string };

/**
 * node:http with a keep-alive agent: far less client CPU per request than fetch (undici) on a
 * 2-core machine where the client competes with the server it measures. A network error or a
 * timeout answers status 0 instead of throwing, so one bad request never stops a load loop.
 */
export function httpClient(maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });

  function send(method: string, url: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<Answer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve) => {
      // A deadline for the whole exchange, including any wait for a free socket at the client
      // (the socket's own timeout only counts idle time once connected).
      const timer = setTimeout(() => req.destroy(new Error("timeout")), timeoutMs);
      const done = (answer: Answer) => {
        clearTimeout(timer);
        resolve(answer);
      };
      const req = request(
        url,
        {
          method,
          agent,
          headers: { ...(payload === undefined ? {} : { "content-type": "application/json", "content-length": String(Buffer.byteLength(payload)) }), ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", () => done({ status: 0, body: "response error" }));
        },
      );
      req.on("error", (error) => done({ status: 0, body: error.message }));
      req.end(payload);
    });
  }

  return { send, close: () => agent.destroy() };
}

/** Counts answers by status, for the report ("202": 2990, "0": 10). */
export function tally(statuses: Record<string, number>, status: number): void {
  statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
}
