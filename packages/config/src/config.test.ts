import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, common, duration, parseConfig } from "./index.ts";

describe("configuration", () => {
  it("lists every problem at once, by variable name", () => {
    try {
      parseConfig({ DATABASE_URL: common.DATABASE_URL, REDIS_URL: common.REDIS_URL, PORT: z.coerce.number() }, { REDIS_URL: "http://x", PORT: "x" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      expect(problems).toMatch(/^DATABASE_URL: required$/m);
      expect(problems).toMatch(/^REDIS_URL: must be a URL with scheme redis: or rediss:/m);
      expect(problems).toMatch(/^PORT: /m);
      // A value that is there but not a number is not "required".
      expect(problems).not.toMatch(/^PORT: required$/m);
    }
  });

  it("reads durations", () => {
    const shape = { TTL: duration };
    expect(parseConfig(shape, { TTL: "24h" }).TTL).toBe(86_400_000);
    expect(parseConfig(shape, { TTL: "90s" }).TTL).toBe(90_000);
    expect(parseConfig(shape, { TTL: "1500" }).TTL).toBe(1_500);
    expect(() => parseConfig(shape, { TTL: "soon" })).toThrow(/TTL: must be a duration/);
  });

  it("returns a frozen object", () => {
    const config = parseConfig({ LOG_LEVEL: common.LOG_LEVEL }, {});
    expect(config.LOG_LEVEL).toBe("info");
    expect(Object.isFrozen(config)).toBe(true);
  });
});
