import { Cluster, Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { assertClusterPrefix, createRedis, hasHashTag, isCluster, isClusterUrl, parseClusterUrl, RedisConfigError } from "./redis.ts";

describe("cluster URLs", () => {
  it("parses a comma list of nodes, credentials and TLS", () => {
    expect(parseClusterUrl("redis+cluster://h1:7000,h2:7001,10.0.0.3:7002")).toEqual({
      tls: false,
      nodes: [
        { host: "h1", port: 7000 },
        { host: "h2", port: 7001 },
        { host: "10.0.0.3", port: 7002 },
      ],
    });
    expect(parseClusterUrl("rediss+cluster://:p%40ss%2Cword@a.example.com:6380,b.example.com/")).toEqual({
      tls: true,
      nodes: [
        { host: "a.example.com", port: 6380 },
        { host: "b.example.com", port: 6379 },
      ],
      password: "p@ss,word",
    });
    expect(parseClusterUrl("redis+cluster://app:secret@[::1]:7000")).toEqual({
      tls: false,
      nodes: [{ host: "::1", port: 7000 }],
      username: "app",
      password: "secret",
    });
  });

  it("refuses what it cannot connect to, without echoing the password", () => {
    for (const bad of [
      "redis+cluster://",
      "redis+cluster://h1:7000,,h2:7001",
      "redis+cluster://h1:0",
      "redis+cluster://h1:70000",
      "redis+cluster://h1:7000/1",
      "redis+cluster://h1:7000?tls=true",
      "redis+cluster://secret@h1:7000",
      "redis+cluster://:%zzsecret@h1:7000",
      "redis://h1:7000",
    ]) {
      expect(() => parseClusterUrl(bad), bad).toThrow();
      try {
        parseClusterUrl(bad);
      } catch (error) {
        expect((error as Error).message).not.toContain("secret");
      }
    }
  });

  it("tells cluster URLs from plain ones", () => {
    expect(isClusterUrl("redis+cluster://h:1")).toBe(true);
    expect(isClusterUrl("REDISS+CLUSTER://h:1")).toBe(true);
    expect(isClusterUrl("redis://h:1")).toBe(false);
    expect(isClusterUrl("rediss://h:1")).toBe(false);
  });
});

describe("queue prefix on a cluster", () => {
  it("recognises a hash tag the way Redis does", () => {
    expect(hasHashTag("{signup}")).toBe(true);
    expect(hasHashTag("prod:{signup}")).toBe(true);
    expect(hasHashTag("bull")).toBe(false);
    expect(hasHashTag("{}signup")).toBe(false); // an empty tag hashes the whole key
    expect(hasHashTag("{signup")).toBe(false);
    expect(hasHashTag("}signup{")).toBe(false);
  });

  it("requires one only when REDIS_URL is a cluster", () => {
    expect(() => assertClusterPrefix("redis+cluster://h:7000", "bull")).toThrow(RedisConfigError);
    expect(() => assertClusterPrefix("redis+cluster://h:7000", "bull")).toThrow(/QUEUE_PREFIX must contain a hash tag such as \{signup\} on a Redis Cluster/);
    expect(() => assertClusterPrefix("redis+cluster://h:7000", "{signup}")).not.toThrow();
    expect(() => assertClusterPrefix("redis://h:6379", "bull")).not.toThrow();
    expect(() => assertClusterPrefix(undefined, "bull")).not.toThrow();
  });
});

describe("createRedis", () => {
  // lazyConnect: these only look at the options; nothing is listening on these ports.
  it("gives a Cluster with the worker policy for a cluster URL", () => {
    const connection = createRedis("redis+cluster://127.0.0.1:1,127.0.0.1:2", "worker", { lazyConnect: true, connectionName: "w" });
    try {
      expect(connection).toBeInstanceOf(Cluster);
      expect(isCluster(connection)).toBe(true);
      const cluster = connection as unknown as Cluster;
      expect(cluster.options.enableOfflineQueue).toBe(true);
      expect(cluster.options.redisOptions).toMatchObject({ maxRetriesPerRequest: null, connectionName: "w" });
    } finally {
      connection.disconnect();
    }
  });

  it("gives a fail-fast Cluster for a producer, with credentials and TLS from the URL", () => {
    const cluster = createRedis("rediss+cluster://:pw@127.0.0.1:1", "producer", { lazyConnect: true }) as unknown as Cluster;
    try {
      expect(cluster.options.enableOfflineQueue).toBe(false);
      expect(cluster.options.redisOptions).toMatchObject({ maxRetriesPerRequest: 1, password: "pw", tls: {} });
    } finally {
      cluster.disconnect();
    }
  });

  it("still gives a plain Redis for redis:// URLs", () => {
    const connection = createRedis("redis://127.0.0.1:1", "producer", { lazyConnect: true });
    try {
      expect(connection).toBeInstanceOf(Redis);
      expect(isCluster(connection)).toBe(false);
      expect(connection.options).toMatchObject({ maxRetriesPerRequest: 1, enableOfflineQueue: false });
    } finally {
      connection.disconnect();
    }
  });
});
