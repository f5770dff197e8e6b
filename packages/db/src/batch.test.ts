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

  it("fails every call of a failed batch, and the next batch runs afresh", async () => {
    let calls = 0;
    const flaky = batched(
      async (items: string[]) => {
        calls++;
        if (calls === 1) throw new Error("connection lost");
        return items.map((s) => s.toUpperCase());
      },
      { maxSize: 10 },
    );
    const results = await Promise.allSettled(["a", "b"].map(flaky));
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await flaky("c")).toBe("C");
  });

  it("refuses a run that answers the wrong number of items", async () => {
    const wrong = batched(async (_items: number[]) => [1], { maxSize: 10 });
    await expect(Promise.all([wrong(1), wrong(2)])).rejects.toThrow(/a batch of 2 got 1 answers/);
  });
});
