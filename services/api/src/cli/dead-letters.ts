// `pnpm dead-letters list [--queue NAME]` and `pnpm dead-letters replay QUEUE JOB_ID`: the operators'
// command line over the admin API (so every replay is audited like one from the API or bull-board).
// API_URL (default http://localhost:3000) and ADMIN_TOKEN (default: .data/admin-token of pnpm start).
import { existsSync, readFileSync } from "node:fs";
import { parseDeadLettersArgs, usage } from "./dead-letters-args.ts";

const args = parseDeadLettersArgs(process.argv.slice(2));
const apiUrl = (process.env.API_URL ?? "http://localhost:3000").replace(/\/$/, "");
const tokenFile = new URL("../../../../.data/admin-token", import.meta.url);
const token = process.env.ADMIN_TOKEN ?? (existsSync(tokenFile) ? readFileSync(tokenFile, "utf8").trim() : undefined);

function fail(message: string): never {
  process.stderr.write(`dead-letters: ${message}\n`);
  process.exit(2);
}

async function call(method: string, path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${apiUrl}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) fail(`${response.status} ${String(body.code ?? "")}: ${String(body.message ?? "")}`);
  return body;
}

type Item = { queue: string; jobId: string; name: string; userId: string | null; attemptsMade: number; failedAt: string | null; failedReason: string };

// Help and usage errors come before the token check: neither needs the API.
if ("error" in args) fail(`${args.error}\n${usage}`);
if (args.command === "help") {
  process.stdout.write(
    `${usage}\n\nAPI_URL: the API (default http://localhost:3000); ADMIN_TOKEN: its admin token (default: .data/admin-token, written by pnpm start).\n`,
  );
  process.exit(0);
}
if (!token) fail("set ADMIN_TOKEN (or run from a checkout where pnpm start wrote .data/admin-token)");
if (args.command === "list") {
  let cursor: string | null = null;
  let count = 0;
  do {
    const params = new URLSearchParams({ limit: "200", ...(args.queue ? { queue: args.queue } : {}), ...(cursor ? { cursor } : {}) });
    const page = await call("GET", `/admin/dead-letters?${params}`);
    for (const item of page.items as Item[]) {
      count++;
      process.stdout.write(
        `${item.queue}\t${item.jobId}\t${item.name}\tuser=${item.userId ?? "-"}\tattempts=${item.attemptsMade}\t${item.failedAt ?? "-"}\t${item.failedReason}\n`,
      );
    }
    cursor = page.nextCursor as string | null;
  } while (cursor);
  process.stdout.write(`${count} dead letter(s)\n`);
} else {
  const { queue, jobId } = args;
  await call("POST", `/admin/dead-letters/${encodeURIComponent(queue)}/${encodeURIComponent(jobId)}/replay`);
  process.stdout.write(`replayed ${queue}/${jobId}\n`);
}
