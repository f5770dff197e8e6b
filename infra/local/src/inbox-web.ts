import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { escapeHtml } from "@signup/html";
import type { SmtpSink } from "./smtp-sink.ts";

/** One text the SMS worker wrote with `SMS_URL=log:///path/file.jsonl`. */
export type DevSms = { id: string; to: string; body: string; at: string };

const layout = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:80rem;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ddd;vertical-align:top}
.boxes{display:grid;gap:2rem;grid-template-columns:repeat(auto-fit,minmax(26rem,1fr))}
iframe{width:100%;height:36rem;border:1px solid #ccc}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}</style>
</head><body><main>${body}</main></body></html>`;

/**
 * The SMS file, newest first. It is read on every request (the worker appends while this runs, and
 * a development inbox is read by one person); a missing file is no texts yet, a torn or foreign
 * line is skipped.
 */
async function readSms(file: string | undefined): Promise<DevSms[]> {
  if (!file) return [];
  const text = await readFile(file, "utf8").catch(() => "");
  const items: DevSms[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as Record<string, unknown>;
      if (typeof value.to === "string" && typeof value.body === "string") {
        items.push({ id: String(value.id ?? ""), to: value.to, body: value.body, at: String(value.at ?? "") });
      }
    } catch {
      // a line being written right now, or not ours
    }
  }
  return items.reverse();
}

function inboxPage(sink: SmtpSink, sms: DevSms[] | undefined): string {
  const mailRows = [...sink.mails]
    .reverse()
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to.join(", "))}</td><td><a href="/mails/${m.id}">${escapeHtml(m.subject)}</a></td></tr>`,
    )
    .join("");
  const mails = `<section><h2>Mail</h2><table><thead><tr><th>Received</th><th>To</th><th>Subject</th></tr></thead>
<tbody>${mailRows || '<tr><td colspan="3">No mail yet.</td></tr>'}</tbody></table></section>`;
  const smsRows = (sms ?? []).map((s) => `<tr><td>${escapeHtml(s.at)}</td><td>${escapeHtml(s.to)}</td><td>${escapeHtml(s.body)}</td></tr>`).join("");
  const texts = sms
    ? `<section><h2>Text messages</h2><table><thead><tr><th>Sent</th><th>To</th><th>Message</th></tr></thead>
<tbody>${smsRows || '<tr><td colspan="3">No text messages yet.</td></tr>'}</tbody></table></section>`
    : "";
  return `<h1>Dev inbox</h1><p>Mails${sms ? " and text messages" : ""} sent by the pipeline while <code>pnpm start</code> runs. Reload to see new ones.</p>
<div class="boxes">${mails}${texts}</div>`;
}

/**
 * The development inbox: every mail the sink caught (its HTML rendered, its links clickable) and,
 * given the SMS worker's file (`smsFile`), every text beside them.
 */
export function startInboxWeb(sink: SmtpSink, port: number, options: { smsFile?: string } = {}): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname === "/api/mails") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ items: [...sink.mails].reverse() }));
        return;
      }
      if (url.pathname === "/api/sms") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ items: await readSms(options.smsFile) }));
        return;
      }
      const match = /^\/mails\/(\d+)$/.exec(url.pathname);
      if (match) {
        const mail = sink.mails.find((m) => m.id === Number(match[1]));
        if (!mail) return void res.writeHead(404, { "content-type": "text/plain" }).end("no such mail");
        // The mail's HTML runs in a sandboxed frame; links open in the top window so they can be followed.
        const html = mail.html.replace("<head>", '<head><base target="_top">');
        const body = `<p><a href="/">&larr; Inbox</a></p><h1>${escapeHtml(mail.subject)}</h1>
<p>From ${escapeHtml(mail.from)} to ${escapeHtml(mail.to.join(", "))}, ${escapeHtml(mail.receivedAt)}</p>
<iframe title="HTML body" sandbox="allow-top-navigation-by-user-activation allow-popups" srcdoc="${escapeHtml(html)}"></iframe>
<h2>Plain text</h2><pre>${escapeHtml(mail.text)}</pre>`;
        return void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(layout(mail.subject, body));
      }
      if (url.pathname !== "/") return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      const sms = options.smsFile ? await readSms(options.smsFile) : undefined;
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(layout("Dev inbox", inboxPage(sink, sms)));
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("inbox error");
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
