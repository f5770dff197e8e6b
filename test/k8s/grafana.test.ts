import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./manifests.ts";

type Target = { refId?: string; expr?: string; datasource?: { type?: string; uid?: string } };
type Panel = { id: number; type: string; title: string; datasource?: { type?: string; uid?: string }; gridPos?: object; targets?: Target[] };
type Variable = { name: string; type: string; query?: unknown };
type Dashboard = { title: string; uid: string; panels: Panel[]; templating: { list: Variable[] } };

/** Grafana's own variable syntax, not a template literal. */
const datasourceVariable = ["$", "{datasource}"].join("");

/** infra/grafana/signup-pipeline.json: importable as it is, every panel backed by a Prometheus query. */
describe("Grafana dashboard", () => {
  const dashboard = JSON.parse(readFileSync(join(repoRoot, "infra/grafana/signup-pipeline.json"), "utf8")) as Dashboard;
  const expressions = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr ?? ""));

  it("picks its Prometheus data source from a variable", () => {
    expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: "datasource", type: "datasource", query: "prometheus" }));
    for (const panel of dashboard.panels) {
      expect(panel.datasource, panel.title).toEqual({ type: "prometheus", uid: datasourceVariable });
      for (const target of panel.targets ?? []) expect(target.datasource?.uid, panel.title).toBe(datasourceVariable);
    }
  });

  it("gives every panel a unique id, a place and at least one target expression", () => {
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos, panel.title).toBeDefined();
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.expr?.trim(), panel.title).toBeTruthy();
        expect(target.refId, panel.title).toBeTruthy();
      }
    }
  });

  it("charts the services' metrics: queues, outbox, jobs, HTTP and memory", () => {
    const uses = (pattern: RegExp) => expressions.some((expr) => pattern.test(expr));
    expect(uses(/by \(queue, state\) \(queue_jobs\{/)).toBe(true);
    expect(uses(/outbox_unpublished_events/)).toBe(true);
    expect(uses(/histogram_quantile\(0\.5, sum by \(queue, le\) \(rate\(job_duration_seconds_bucket/)).toBe(true);
    expect(uses(/histogram_quantile\(0\.99, sum by \(queue, le\) \(rate\(job_duration_seconds_bucket/)).toBe(true);
    expect(uses(/by \(queue, outcome\) \(rate\(jobs_total\{/)).toBe(true);
    expect(uses(/by \(route, status\) \(rate\(http_requests_total\{/)).toBe(true);
    expect(uses(/histogram_quantile\(0\.99, sum by \(route, le\) \(rate\(http_request_duration_seconds_bucket/)).toBe(true);
    expect(uses(/process_resident_memory_bytes/)).toBe(true);
  });

  it("balances the brackets of every expression", () => {
    for (const expr of expressions) {
      let depth = 0;
      for (const char of expr) {
        if ("({[".includes(char)) depth++;
        if (")}]".includes(char)) depth--;
        expect(depth, expr).toBeGreaterThanOrEqual(0);
      }
      expect(depth, expr).toBe(0);
    }
  });
});
