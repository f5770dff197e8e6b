import { escapeHtml } from "./escape.ts";

/** Tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    const rendered = Array.isArray(value)
      ? value.map((v) => (v instanceof Html ? v.value : escapeHtml(String(v ?? "")))).join("")
      : value instanceof Html
        ? value.value
        : value === undefined || value === null || value === false
          ? ""
          : escapeHtml(String(value));
    out += rendered + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

export type PageOptions = {
  title: string;
  productName: string;
  body: Html;
  /** URL of the stylesheet, e.g. "/assets/app.css". */
  stylesheet: string;
  /** URL of the page's script, loaded as an ES module; pages work without it. */
  script?: string;
  /** `<meta name content>` pairs, how a page hands settings (API URL, app URL) to its script. */
  meta?: Readonly<Record<string, string>>;
  refresh?: { seconds: number; url: string };
};

/** The shell every page shares: one stylesheet, at most one small script, a skip link, a landmark. */
export function layout({ title, productName, body, stylesheet, script, meta = {}, refresh }: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${Object.entries(meta).map(([name, content]) => html`<meta name="${name}" content="${content}">\n`)}${refresh ? html`<meta http-equiv="refresh" content="${refresh.seconds};url=${refresh.url}">` : ""}
<title>${title} · ${productName}</title>
<link rel="stylesheet" href="${stylesheet}">
${script ? html`<script type="module" src="${script}"></script>` : ""}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="brand"><span>${productName}</span></header>
<main id="main" tabindex="-1">
${body}
</main>
</body>
</html>`.value;
}
