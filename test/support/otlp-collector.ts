import { createServer } from "node:http";

/** One span as the OTLP/HTTP JSON body carried it, flattened, with its resource's service.name. */
export type CollectedSpan = {
  service: string;
  traceId: string;
  spanId: string;
  /** Undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, unknown> }>;
  status: { code?: number; message?: string };
};

export type OtlpCollector = {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT: the exporters add /v1/traces. */
  url: string;
  spans: CollectedSpan[];
  /**
   * Every request, with its path and content type (protobuf bodies are counted, not read), and the
   * traceparent header of one that is not an export (a test may point a traced fetch here).
   */
  requests: Array<{ path: string; contentType: string; traceparent?: string }>;
  stop(): Promise<void>;
};

type AnyValue = { stringValue?: string; boolValue?: boolean; intValue?: number | string; doubleValue?: number; arrayValue?: { values?: AnyValue[] } };
type KeyValue = { key: string; value?: AnyValue };
type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: KeyValue[];
  events?: Array<{ name: string; attributes?: KeyValue[] }>;
  links?: Array<{ traceId: string; spanId: string; attributes?: KeyValue[] }>;
  status?: { code?: number; message?: string };
};
type ExportRequest = { resourceSpans?: Array<{ resource?: { attributes?: KeyValue[] }; scopeSpans?: Array<{ spans?: OtlpSpan[] }> }> };

function attributeValue(value: AnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(attributeValue);
  return value.stringValue ?? value.boolValue ?? (value.intValue !== undefined ? Number(value.intValue) : value.doubleValue);
}

function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, attributeValue(kv.value)]));
}

/**
 * A stand-in for an OpenTelemetry Collector: accepts OTLP/HTTP JSON exports (POST /v1/traces,
 * with OTEL_EXPORTER_OTLP_PROTOCOL=http/json) on 127.0.0.1 and keeps the spans in memory.
 */
export async function startOtlpCollector(): Promise<OtlpCollector> {
  const spans: CollectedSpan[] = [];
  const requests: OtlpCollector["requests"] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const contentType = request.headers["content-type"] ?? "";
      const traceparent = request.headers.traceparent;
      requests.push({ path: request.url ?? "", contentType, ...(typeof traceparent === "string" ? { traceparent } : {}) });
      if (request.method === "POST" && request.url === "/v1/traces" && contentType.startsWith("application/json")) {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ExportRequest;
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service = String(attributesOf(resourceSpans.resource?.attributes)["service.name"]);
          for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
            for (const span of scopeSpans.spans ?? []) {
              spans.push({
                service,
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId || undefined,
                name: span.name,
                kind: span.kind,
                attributes: attributesOf(span.attributes),
                events: (span.events ?? []).map((event) => ({ name: event.name, attributes: attributesOf(event.attributes) })),
                links: (span.links ?? []).map((link) => ({ traceId: link.traceId, spanId: link.spanId, attributes: attributesOf(link.attributes) })),
                status: span.status ?? {},
              });
            }
          }
        }
      }
      response
        .writeHead(200, { "content-type": contentType.startsWith("application/json") ? "application/json" : "application/x-protobuf" })
        .end(contentType.startsWith("application/json") ? "{}" : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("the collector has no address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    spans,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
