import type { QueueSeries } from "./sampler.ts";

export type Panel = { title: string; series: QueueSeries };

const colors: Record<string, string> = { provisioning: "#1f77b4", mail: "#d62728", onboarding: "#2ca02c", sms: "#9467bd", lifecycle: "#8c564b" };
const width = 980;
const panelHeight = 280;
const margin = { left: 64, right: 210, top: 34, bottom: 40 };

const escapeXml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);

/** A round step (1, 2 or 5 × 10^n) giving about `count` ticks up to `max`. */
function niceStep(max: number, count: number): number {
  const raw = Math.max(max, 1) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return Math.max(1, step);
}

function panel(p: Panel, top: number): string {
  const plotW = width - margin.left - margin.right;
  const plotH = panelHeight - margin.top - margin.bottom;
  const y0 = top + margin.top;
  const queues = Object.entries(p.series.queues).filter(([, depths]) => depths.some((d) => d > 0));
  const maxT = Math.max(1, p.series.t.at(-1) ?? 1);
  const maxY = Math.max(1, ...queues.flatMap(([, depths]) => depths));
  const xStep = niceStep(maxT, 8);
  const yStep = niceStep(maxY, 5);
  const yTop = Math.ceil(maxY / yStep) * yStep;
  const x = (t: number) => margin.left + (t / maxT) * plotW;
  const y = (v: number) => y0 + plotH - (v / yTop) * plotH;
  const out: string[] = [`<text x="${margin.left}" y="${top + 20}" class="title">${escapeXml(p.title)}</text>`];
  for (let v = 0; v <= yTop; v += yStep) {
    out.push(`<line x1="${margin.left}" y1="${y(v).toFixed(1)}" x2="${margin.left + plotW}" y2="${y(v).toFixed(1)}" class="grid"/>`);
    out.push(`<text x="${margin.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v}</text>`);
  }
  for (let t = 0; t <= maxT; t += xStep) {
    out.push(`<line x1="${x(t).toFixed(1)}" y1="${y0 + plotH}" x2="${x(t).toFixed(1)}" y2="${y0 + plotH + 5}" class="axis"/>`);
    out.push(`<text x="${x(t).toFixed(1)}" y="${y0 + plotH + 18}" text-anchor="middle">${t}</text>`);
  }
  out.push(`<line x1="${margin.left}" y1="${y0}" x2="${margin.left}" y2="${y0 + plotH}" class="axis"/>`);
  out.push(`<line x1="${margin.left}" y1="${y0 + plotH}" x2="${margin.left + plotW}" y2="${y0 + plotH}" class="axis"/>`);
  out.push(`<text x="${margin.left + plotW / 2}" y="${y0 + plotH + 34}" text-anchor="middle">seconds since the load generator started (team invites first)</text>`);
  out.push(`<text transform="translate(16 ${y0 + plotH / 2}) rotate(-90)" text-anchor="middle">jobs (waiting + active + delayed)</text>`);
  queues.forEach(([name, depths], i) => {
    const points = depths.map((d, k) => `${x(p.series.t[k] ?? 0).toFixed(1)},${y(d).toFixed(1)}`).join(" ");
    const color = colors[name] ?? "#333";
    out.push(`<polyline points="${points}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    const ly = y0 + 10 + i * 20;
    out.push(`<line x1="${margin.left + plotW + 16}" y1="${ly}" x2="${margin.left + plotW + 40}" y2="${ly}" stroke="${color}" stroke-width="3"/>`);
    out.push(`<text x="${margin.left + plotW + 46}" y="${ly + 4}">${escapeXml(name)} (max ${Math.max(...depths)})</text>`);
  });
  if (queues.length === 0) out.push(`<text x="${margin.left + 10}" y="${y0 + 20}">every queue stayed empty</text>`);
  return out.join("\n");
}

/** Hand-written SVG: one panel per end-to-end run, a polyline per queue that held any job. */
export function queueChart(panels: Panel[]): string {
  const height = Math.max(1, panels.length) * panelHeight;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<style>.grid{stroke:#e5e5e5}.axis{stroke:#333}.title{font-size:14px;font-weight:bold}</style>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...panels.map((p, i) => panel(p, i * panelHeight)),
    `</svg>`,
    "",
  ].join("\n");
}
