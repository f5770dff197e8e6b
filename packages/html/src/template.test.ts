import { describe, expect, it } from "vitest";
import { html, layout } from "./index.ts";

describe("html", () => {
  it("escapes values and keeps nested Html as it is", () => {
    const inner = html`<b>${"<i>"}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${["a&", html`<br>`]}${undefined}${false}</p>`.value).toBe(
      '<p title="&quot;x&quot;"><b>&lt;i&gt;</b>a&amp;<br></p>',
    );
  });
});

describe("layout", () => {
  const base = { title: "T", productName: "P", body: html`<h1>Hi</h1>`, stylesheet: "/assets/app.css" };

  it("links the given stylesheet and loads the script as a module", () => {
    const page = layout({ ...base, script: "/assets/app.js", meta: { "signup-api-url": "http://api.test/?a=1&b=2" } });
    expect(page).toContain('<link rel="stylesheet" href="/assets/app.css">');
    expect(page).toContain('<script type="module" src="/assets/app.js"></script>');
    expect(page).toContain('<meta name="signup-api-url" content="http://api.test/?a=1&amp;b=2">');
    expect(page).toContain('<a class="skip" href="#main">Skip to content</a>');
  });

  it("has no script tag when none is given", () => {
    expect(layout(base)).not.toContain("<script");
  });
});
