import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Shared plumbing for the vendor contract servers: a node:http server on 127.0.0.1 and a free port,
 * a log of every request, and scripted faults. Each vendor file supplies only its paths, auth check,
 * validation and bodies.
 */

/** What a test can make the next matching request(s) do instead of the normal answer. */
export type Fault =
  /** Answer with this status; the body defaults to the vendor's error shape. */
  | { type: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  /** 429 with this Retry-After value (seconds or an HTTP-date). */
  | { type: "rate-limit"; retryAfter: string }
  /** Never answer (the client's timeout must fire). */
  | { type: "hang" }
  /** Do the work (e.g. create the user) but never send the answer: a lost response. */
  | { type: "apply-then-hang" }
  /** Answer normally, but only after `ms` (a slow IdP: the benchmark queues one per request). */
  | { type: "delay"; ms: number };

/** Requests are grouped so faults can target one kind: the token call, the create, the lookup, the delete. */
export type Operation = "token" | "create" | "lookup" | "delete";

export type RecordedRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, parsed form fields (token endpoints) or undefined. */
  body: unknown;
  rawBody: string;
  operation: Operation | undefined;
  /** When it arrived (ms since the epoch): tests measure delays between attempts with it. */
  at: number;
};

export type Reply = { status: number; body?: unknown; headers?: Record<string, string>; contentType?: string };

export class Faults {
  readonly #queue = new Map<Operation, Fault[]>();

  /** Makes the next `times` requests of this operation fail with `fault`, in order after earlier ones. */
  add(operation: Operation, fault: Fault, times = 1): this {
    const queue = this.#queue.get(operation) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.#queue.set(operation, queue);
    return this;
  }

  take(operation: Operation): Fault | undefined {
    return this.#queue.get(operation)?.shift();
  }

  pending(operation: Operation): number {
    return this.#queue.get(operation)?.length ?? 0;
  }

  clear(): void {
    this.#queue.clear();
  }
}

export type ContractServer<TUser> = {
  /** Base URL, e.g. http://127.0.0.1:43123 (no trailing slash). */
  url: string;
  port: number;
  /** The IdP's directory, keyed by the IdP's own id: inspect it, or seed it. */
  users: Map<string, TUser>;
  faults: Faults;
  /** Every request received, in order (including hung ones). */
  requests: RecordedRequest[];
  /** Requests of one operation, e.g. count token fetches. */
  requestsFor(operation: Operation): RecordedRequest[];
  /** Stops listening and drops hung connections. */
  close(): Promise<void>;
};

export type VendorRoutes = {
  classify(method: string, path: string): Operation | undefined;
  handle(request: RecordedRequest): Reply;
  errorBody(status: number, message: string): unknown;
  errorContentType?: string;
};

export async function startContractServer<TUser>(users: Map<string, TUser>, routes: VendorRoutes): Promise<ContractServer<TUser>> {
  const faults = new Faults();
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const method = req.method ?? "GET";
      const request: RecordedRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: parseBody(rawBody, req.headers["content-type"]),
        rawBody,
        operation: routes.classify(method, url.pathname),
        at: Date.now(),
      };
      requests.push(request);

      const fault = request.operation ? faults.take(request.operation) : undefined;
      if (fault?.type === "delay") return void setTimeout(() => answer(request, undefined, res), fault.ms);
      answer(request, fault, res);
    });
  });

  function answer(request: RecordedRequest, fault: Fault | undefined, res: ServerResponse) {
    if (fault?.type === "hang") return;
    if (fault?.type === "rate-limit") {
      return send(res, {
        status: 429,
        body: routes.errorBody(429, "too many requests"),
        headers: { "retry-after": fault.retryAfter },
        contentType: routes.errorContentType,
      });
    }
    if (fault?.type === "status") {
      const body = fault.body ?? routes.errorBody(fault.status, `scripted failure ${fault.status}`);
      return send(res, { status: fault.status, body, headers: fault.headers, contentType: routes.errorContentType });
    }
    let reply: Reply;
    try {
      reply = routes.handle(request);
    } catch (error) {
      reply = { status: 500, body: routes.errorBody(500, error instanceof Error ? error.message : "internal error") };
    }
    if (fault?.type === "apply-then-hang") return;
    send(res, { contentType: reply.status >= 400 ? routes.errorContentType : undefined, ...reply });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    users,
    faults,
    requests,
    requestsFor: (operation) => requests.filter((r) => r.operation === operation),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload = "";
  if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers["content-type"] = reply.contentType ?? "application/json";
  }
  res.writeHead(reply.status, headers).end(payload);
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.startsWith("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Narrowing helpers for request bodies. */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
export const nonEmptyString = (value: unknown): value is string => typeof value === "string" && value.length > 0;

/** The bearer token of a request, or undefined. */
export function bearerOf(request: RecordedRequest): string | undefined {
  const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? "");
  return match?.[1];
}

/** Client credentials from HTTP Basic or from form fields (both allowed by RFC 6749 §2.3.1). */
export function clientOf(request: RecordedRequest): { id: string; secret: string } | undefined {
  const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? "");
  if (basic?.[1]) {
    const [id = "", secret = ""] = Buffer.from(basic[1], "base64").toString("utf8").split(":").map(decodeURIComponent);
    return { id, secret };
  }
  if (isObject(request.body) && typeof request.body.client_id === "string" && typeof request.body.client_secret === "string") {
    return { id: request.body.client_id, secret: request.body.client_secret };
  }
  return undefined;
}

/** Issues opaque tokens and remembers them; revokeAll() makes the next API call answer 401. */
export function tokenIssuer(lifetimeSeconds: number) {
  const live = new Map<string, number>();
  let counter = 0;
  return {
    issue(): { access_token: string; expires_in: number; token_type: "Bearer" } {
      const token = `token-${++counter}-${Math.random().toString(36).slice(2)}`;
      live.set(token, Date.now() + lifetimeSeconds * 1_000);
      return { access_token: token, expires_in: lifetimeSeconds, token_type: "Bearer" };
    },
    valid(token: string | undefined): boolean {
      const expiresAt = token ? live.get(token) : undefined;
      return expiresAt !== undefined && Date.now() < expiresAt;
    },
    revokeAll(): void {
      live.clear();
    },
  };
}
