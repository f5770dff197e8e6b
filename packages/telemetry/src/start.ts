import type { FastifyOtelInstrumentation } from "@fastify/otel";
import { RedactingSpanProcessor } from "./redact.ts";
import { type TelemetrySettings, telemetrySettings } from "./settings.ts";

export type Telemetry = {
  /** False when no endpoint is set (or OTEL_SDK_DISABLED=true): nothing was loaded, nothing is exported. */
  enabled: boolean;
  /** Ends what is in flight and sends the last spans (bounded, so a deploy never waits on a collector). */
  shutdown(): Promise<void>;
};

/** fastify's official instrumentation as a plugin, for the API's buildApp to register first. */
export type FastifyTracingPlugin = ReturnType<FastifyOtelInstrumentation["plugin"]>;

const shutdownTimeoutMs = 5_000;
const opsPaths = new Set(["/healthz", "/readyz", "/metrics"]);
let fastifyPlugin: FastifyTracingPlugin | undefined;
let started = false;

/** The fastify plugin while telemetry runs, else undefined (then the app registers nothing). */
export function fastifyTracingPlugin(): FastifyTracingPlugin | undefined {
  return fastifyPlugin;
}

/**
 * Starts OpenTelemetry's Node SDK for this process, configured by the standard OTEL_* variables
 * only: OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (without one, tracing is
 * off and this returns at once, having loaded none of the SDK), OTEL_EXPORTER_OTLP_PROTOCOL
 * (`http/protobuf`, the default, or `http/json`), OTEL_SERVICE_NAME (else `serviceName`),
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER(_ARG), OTEL_PROPAGATORS, OTEL_BSP_*,
 * OTEL_EXPORTER_OTLP_HEADERS / _TIMEOUT / _COMPRESSION, OTEL_SDK_DISABLED. Invalid values exit
 * the process (78) with the problem, as the services' own configuration does.
 *
 * Instruments outgoing fetch (undici: the IdP and Twilio calls, only inside a traced job or
 * request) and, through fastifyTracingPlugin(), the API's requests. Call it at the top of main.ts,
 * before the app is built.
 */
export async function startTelemetry(options: { serviceName: string }): Promise<Telemetry> {
  let settings: TelemetrySettings;
  try {
    settings = telemetrySettings(process.env, options.serviceName);
  } catch (error) {
    process.stderr.write(`${options.serviceName}: invalid configuration:\n  - ${(error as Error).message}\n`);
    process.exit(78); // EX_CONFIG
  }
  if (!settings.enabled) return { enabled: false, shutdown: async () => {} };
  if (started) throw new Error("startTelemetry: already started in this process");
  started = true;

  const [{ NodeSDK }, { BatchSpanProcessor }, { OTLPTraceExporter }, { UndiciInstrumentation }, fastifyOtel] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/sdk-trace-base"),
    settings.protocol === "http/json" ? import("@opentelemetry/exporter-trace-otlp-http") : import("@opentelemetry/exporter-trace-otlp-proto"),
    import("@opentelemetry/instrumentation-undici"),
    import("@fastify/otel"),
  ]);
  const fastify = new fastifyOtel.FastifyOtelInstrumentation({
    // One span per request and one for its handler; a span per hook would triple every trace. The
    // handler's span is what makes the request's context reliably active in the handler (after a
    // body is read, async context is the socket's), so events written there carry its traceparent.
    instrumentHooks: false,
    // Probes and scrapes every few seconds would each be a trace of their own, and tell nothing.
    ignorePaths: ({ url }) => opsPaths.has(url.split("?")[0] ?? url),
    requestHook: (span, request) => {
      span.updateName(`${request.method} ${request.routeOptions.url ?? "unmatched"}`);
      span.setAttribute("signup.correlation_id", String(request.id));
    },
    // Its own names for a handler are the plugin chain, or an anonymous plugin's source text.
    lifecycleHook: (span, info) => {
      span.updateName(`${info.hookName} ${info.request.routeOptions.url ?? "unmatched"}`);
      span.setAttribute("hook.name", info.hookName);
    },
  });
  const sdk = new NodeSDK({
    ...(settings.serviceName !== undefined ? { serviceName: settings.serviceName } : {}),
    // The exporter reads its endpoint, headers, timeout and compression from OTEL_EXPORTER_OTLP_*,
    // the batch processor its delay and sizes from OTEL_BSP_*.
    spanProcessors: [new RedactingSpanProcessor(), new BatchSpanProcessor(new OTLPTraceExporter())],
    instrumentations: [new UndiciInstrumentation({ requireParentforSpans: true }), fastify],
    // The SDK would also push metrics and logs over OTLP by default; ours are Prometheus and
    // stdout, so only an explicit OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER turns those on.
    ...(settings.otlpMetrics ? {} : { metricReaders: [] }),
    ...(settings.otlpLogs ? {} : { logRecordProcessors: [] }),
  });
  sdk.start();
  fastifyPlugin = fastify.plugin();

  let stopping: Promise<void> | undefined;
  return {
    enabled: true,
    shutdown() {
      stopping ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, shutdownTimeoutMs);
        });
        try {
          await Promise.race([sdk.shutdown(), deadline]);
        } finally {
          clearTimeout(timer);
        }
      })();
      return stopping;
    },
  };
}
