/**
 * What the standard OTEL_* variables ask of this process. Read once, before anything of the SDK is
 * loaded: with tracing off nothing else of OpenTelemetry's SDK is ever imported.
 */
export type TelemetrySettings =
  | { enabled: false; reason: string }
  | {
      enabled: true;
      protocol: "http/protobuf" | "http/json";
      /** Our default service name, or undefined when OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES give one. */
      serviceName: string | undefined;
      /** Metrics and logs go over OTLP only when asked for by name; Prometheus and stdout are ours. */
      otlpMetrics: boolean;
      otlpLogs: boolean;
    };

type Env = Record<string, string | undefined>;

const value = (env: Env, name: string) => {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
};

export function telemetrySettings(env: Env, serviceName: string): TelemetrySettings {
  if (value(env, "OTEL_SDK_DISABLED")?.toLowerCase() === "true") return { enabled: false, reason: "OTEL_SDK_DISABLED=true" };
  if (!value(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") && !value(env, "OTEL_EXPORTER_OTLP_ENDPOINT")) {
    return { enabled: false, reason: "no OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" };
  }
  const exporters = (value(env, "OTEL_TRACES_EXPORTER") ?? "otlp").split(",").map((name) => name.trim());
  if (exporters.includes("none")) return { enabled: false, reason: "OTEL_TRACES_EXPORTER=none" };
  if (!exporters.includes("otlp")) throw new Error(`OTEL_TRACES_EXPORTER: only "otlp" (or "none") is supported, not "${exporters.join(",")}"`);
  const protocol = value(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? value(env, "OTEL_EXPORTER_OTLP_PROTOCOL") ?? "http/protobuf";
  if (protocol !== "http/protobuf" && protocol !== "http/json") {
    throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" or "http/json", not "${protocol}" (gRPC is not bundled)`);
  }
  const namedByEnv = value(env, "OTEL_SERVICE_NAME") !== undefined || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? "");
  return {
    enabled: true,
    protocol,
    serviceName: namedByEnv ? undefined : serviceName,
    otlpMetrics: value(env, "OTEL_METRICS_EXPORTER") !== undefined,
    otlpLogs: value(env, "OTEL_LOGS_EXPORTER") !== undefined,
  };
}
