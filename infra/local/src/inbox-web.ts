import { createServer, type Server } from "node:http";
import { escapeHtml } from "@signup/html";
import type { SmtpSink } from "./smtp-sink.ts";


const layout = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}
iframe{width:100%;height:36rem;border:1px solid #ccc}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}</style>
</head><body><main>${body}</main></body></html>`;

/** The development inbox: every mail the sink caught, its HTML rendered, its links clickable. */
export function startInboxWeb(sink: SmtpSink, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/api/mails") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ items: [...sink.mails].reverse() }));
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
    const rows = [...sink.mails]
      .reverse()
      .map((m) => `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to.join(", "))}</td><td><a href="/mails/${m.id}">${escapeHtml(m.subject)}</a></td></tr>`)
      .join("");
    const body = `<h1>Dev inbox</h1><p>Mails sent by the pipeline while <code>pnpm start</code> runs. Reload to see new ones.</p>
<table><thead><tr><th>Received</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows || '<tr><td colspan="3">No mail yet.</td></tr>'}</tbody></table>`;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(layout("Dev inbox", body));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
