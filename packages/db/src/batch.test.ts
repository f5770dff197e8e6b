import { describe, expect, it } from "vitest";
import { batched } from "./batch.ts";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("batched", () => {
  it("runs the calls of one turn as one batch, and answers each with its own result", async () => {
    const batches: number[][] = [];
    const double = batched(
      async (items: number[]) => {
        batches.push(items);
        return items.map((n) => n * 2);
      },
      { maxSize: 10 },
    );
    expect(await Promise.all([1, 2, 3].map(double))).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("gathers the calls made while a batch is in flight into the next, up to maxSize", async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const slow = batched(
      async (items: number[]) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return items;
      },
      { maxSize: 2 },
    );
    const first = slow(1);
    await tick();
    const later = [2, 3, 4].map(slow);
    await tick();
    expect(batches).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3], [4]]);
  });

  it("runs each call of a failed batch alone, so only the bad one fails", async () => {
    const batches: string[][] = [];
    const strict = batched(
      async (items: string[]) => {
        batches.push(items);
        if (items.includes("bad")) throw new Error("violates a foreign key");
        return items.map((s) => s.toUpperCase());
      },
      { maxSize: 10 },
    );
    const results = await Promise.allSettled(["a", "bad", "b"].map(strict));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : r.reason.message))).toEqual(["A", "violates a foreign key", "B"]);
    expect(batches).toEqual([["a", "bad", "b"], ["a"], ["bad"], ["b"]]);
  });

  it("fails a call whose statement fails alone, and the next batch runs afresh", async () => {
    let calls = 0;
    const flaky = batched(
      async (items: string[]) => {
        calls++;
        if (calls <= 3) throw new Error("connection lost");
        return items.map((s) => s.toUpperCase());
      },
      { maxSize: 10 },
    );
    const results = await Promise.allSettled(["a", "b"].map(flaky));
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await flaky("c")).toBe("C");
  });

  it("refuses a run that answers the wrong number of items", async () => {
    const wrong = batched(async (_items: number[]): Promise<number[]> => [], { maxSize: 10 });
    await expect(Promise.all([wrong(1), wrong(2)])).rejects.toThrow(/a batch of 1 got 0 answers/);
  });
});
