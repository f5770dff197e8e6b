import { describe, expect, it } from "vitest";
import { withCompletionToken } from "./completion-url.ts";

describe("withCompletionToken", () => {
  it("keeps a path on this site relative, with APP_URL's own query", () => {
    expect(withCompletionToken("/", "a.b.c")).toBe("/?completion_token=a.b.c");
    expect(withCompletionToken("/welcome?from=signup#top", "t")).toBe("/welcome?from=signup&completion_token=t#top");
  });

  it("keeps an absolute APP_URL absolute", () => {
    expect(withCompletionToken("https://app.example.com/start", "t+/=")).toBe("https://app.example.com/start?completion_token=t%2B%2F%3D");
  });
});
