import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { getTableColumns, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { PgDialect, type PgTable } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { auditInsert, auditInsertWhere } from "./audit.ts";
import { eventSlots, outboxInsert, outboxSlotsWhere } from "./outbox.ts";
import { auditLog, outbox } from "./schema.ts";

// Builds SQL without a connection: these tests look at what the builders would send.
const db = drizzle.mock();
const dialect = new PgDialect();
const envelope = { id: "7b6f3f7e-2f36-4f7e-9a51-0c2d6f1c9e11", type: "UserRegistered", correlationId: "c" };
const condition = sql`exists (select 1 from change)`;

/**
 * Columns no writer sets. Any other column must get a value from the row mapping, so a column
 * added to a table fails here until someone decides which it is.
 */
const filledLater = {
  audit_log: ["id", "at"], // identity, now()
  outbox: ["created_at", "published_at", "failed_at", "failed_reason"], // now(); set by the relay
};

function columnNames(table: PgTable): string[] {
  return Object.values(getTableColumns(table)).map((column) => column.name);
}

/** The column list of an INSERT and, for VALUES, which columns were left to DEFAULT. */
function parseInsert(text: string): { columns: string[]; defaulted: string[] } {
  const match = /^insert into "\w+" \(([^)]*)\) (values \((.*)\)|select .*)$/s.exec(text);
  if (!match) throw new Error(`not a single-row insert: ${text}`);
  const columns = match[1]!.split(", ").map((name) => name.replaceAll('"', ""));
  const values = match[3]?.split(", ") ?? [];
  return { columns, defaulted: columns.filter((_, i) => values[i] === "default") };
}

describe.each([
  {
    table: "audit_log" as const,
    drizzleTable: auditLog,
    // The smallest entry: every optional field absent, so nothing is named by accident.
    insert: () => auditInsert(db, { actor: "a", action: "b" }).toSQL().sql,
    insertWhere: () => dialect.sqlToQuery(auditInsertWhere({ actor: "a", action: "b" }, condition)).sql,
  },
  {
    table: "outbox" as const,
    drizzleTable: outbox,
    insert: () => outboxInsert(db, envelope).toSQL().sql,
    // The conditional row is written as slots, for a statement built once (statement()).
    insertWhere: () => {
      const slots = Object.fromEntries(eventSlots("event").map((name) => [name, sql.placeholder(name)]));
      return dialect.sqlToQuery(outboxSlotsWhere(slots as Parameters<typeof outboxSlotsWhere<"event">>[0], "event", condition)).sql;
    },
  },
])("$table has one writer", ({ table, drizzleTable, insert, insertWhere }) => {
  const written = columnNames(drizzleTable).filter((name) => !filledLater[table].includes(name));

  it("the insert gives every column a value except the ones filled in later", () => {
    const { columns, defaulted } = parseInsert(insert());
    expect(columns).toEqual(columnNames(drizzleTable));
    expect(defaulted).toEqual(filledLater[table]);
  });

  it("the conditional insert writes exactly the same columns, in the table's order", () => {
    expect(parseInsert(insertWhere()).columns).toEqual(written);
    expect(insertWhere()).toMatch(/ where exists \(select 1 from change\)$/);
  });
});

describe("the conditional insert", () => {
  it("casts each value to its column's type (a bare parameter in a select list is text)", () => {
    const text = dialect.sqlToQuery(auditInsertWhere({ actor: "a", action: "b", userId: null, data: { k: 1 } }, condition)).sql;
    expect(text).toContain("($3)::uuid");
    expect(text).toContain("($7)::jsonb");
  });

  it("writes one row per row of a source when given one (a batch unnested from arrays)", () => {
    const text = dialect.sqlToQuery(auditInsertWhere({ actor: "a", action: sql`item.action` }, sql`true`, sql`item`)).sql;
    expect(text).toMatch(/select .*\(item\.action\)::text.* from item where true$/);
  });

  it("takes SQL for a value, as the VALUES insert does", () => {
    const text = dialect.sqlToQuery(auditInsertWhere({ actor: "a", action: "b", eventId: sql`(select id from event)` }, condition)).sql;
    expect(text).toContain("((select id from event))::uuid");
  });
});

describe("nothing else writes these tables by hand", () => {
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  const builders = ["packages/db/src/audit.ts", "packages/db/src/outbox.ts", "packages/db/src/outbox-dead-letters.ts"];
  const byHand =
    /insert\s+into\s+("?(outbox|audit_log)"?\b|\$\{\s*(outbox|auditLog)\s*\})|\.insert\(\s*(outbox|auditLog|schema\.outbox|schema\.auditLog)\s*\)/i;

  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sources(path);
      return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
    });
  }

  it("every service and package writes outbox and audit_log rows through the builders", () => {
    const files = ["packages", "services"].flatMap((top) =>
      readdirSync(join(root, top)).flatMap((name) => {
        const src = join(root, top, name, "src");
        try {
          return sources(src);
        } catch {
          return []; // a package without src/
        }
      }),
    );
    expect(files.length).toBeGreaterThan(20);
    const offenders = files
      .map((file) => relative(root, file))
      .filter((file) => !builders.includes(file) && byHand.test(readFileSync(join(root, file), "utf8")));
    expect(offenders).toEqual([]);
  });
});
