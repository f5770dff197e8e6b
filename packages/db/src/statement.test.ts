import { fillPlaceholders, type Query, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditInsertWhere } from "./audit.ts";
import type { Executor } from "./client.ts";
import { statement } from "./statement.ts";

/** An executor that records what would be sent: the SQL text and the filled parameters. */
function recorder() {
  const sent: Array<{ text: string; params: unknown[] }> = [];
  const db = {
    _: {
      session: {
        prepareQuery: (query: Query) => ({
          execute: async (values: Record<string, unknown>) => {
            sent.push({ text: query.sql, params: fillPlaceholders(query.params, values) });
            return [];
          },
        }),
      },
    },
  } as unknown as Executor;
  return { db, sent };
}

describe("statement", () => {
  it("renders its SQL once and fills each run's values by name, wherever a slot is used", async () => {
    const { db, sent } = recorder();
    let builds = 0;
    const add = statement(["a", "b"], (v) => {
      builds += 1;
      return sql`select ${v.a}::int + ${v.b}::int, ${v.a}::int`;
    });
    await add(db, { a: 1, b: 2 });
    await add(db, { a: 3, b: 4 });
    expect(builds).toBe(1);
    expect(sent).toEqual([
      { text: "select $1::int + $2::int, $3::int", params: [1, 2, 1] },
      { text: "select $1::int + $2::int, $3::int", params: [3, 4, 3] },
    ]);
  });

  it("keeps a column's encoder where drizzle knows the column (jsonb becomes JSON text)", async () => {
    const { db, sent } = recorder();
    const write = statement(["action", "data"], (v) => auditInsertWhere({ actor: "test", action: v.action, data: v.data }, sql`true`));
    await write(db, { action: "x.done", data: { k: 1 } });
    expect(sent[0]?.params).toEqual(["test", "x.done", null, null, null, null, '{"k":1}']);
  });

  it("refuses a run that leaves a slot without a value", async () => {
    const { db } = recorder();
    const one = statement(["a"], (v) => sql`select ${v.a}::int`);
    await expect(one(db, {} as { a: number })).rejects.toThrow(/No value for placeholder "a"/);
  });
});
