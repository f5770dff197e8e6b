import { describe, expect, it } from "vitest";
import { escapeHtml } from "./index.ts";

describe("escapeHtml", () => {
  it("escapes what could open a tag or close an attribute", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>Tom & Jerry</a>`)).toBe("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;");
  });
});
