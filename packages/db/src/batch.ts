/**
 * Group commit for statements that many concurrent jobs run alike: each call joins the next batch
 * and gets its own answer once that batch's one statement has run. Nothing waits on a timer: the
 * calls made in the same turn of the event loop go together, and while a batch is in flight the
 * next one gathers, so batches are one call when idle and grow with the load. When a batch fails,
 * each of its calls runs again alone, so one bad item (a row whose parent was deleted meanwhile)
 * fails only its own job, never its neighbours'; a call that fails alone fails as if the batch
 * had not existed, so this keeps whatever idempotency the statement has.
 */
export type Batched<I, O> = (item: I) => Promise<O>;

type Pending<I, O> = { item: I; resolve: (value: O) => void; reject: (error: unknown) => void };

/** `run` answers each item, in order; `maxSize` bounds a batch (and so its statement's size). */
export function batched<I, O>(run: (items: I[]) => Promise<O[]>, options: { maxSize: number; maxInFlight?: number }): Batched<I, O> {
  const maxInFlight = options.maxInFlight ?? 1;
  let queue: Array<Pending<I, O>> = [];
  let inFlight = 0;
  let scheduled = false;

  const runBatch = async (batch: Array<Pending<I, O>>): Promise<void> => {
    const answers = await run(batch.map((p) => p.item));
    if (answers.length !== batch.length) throw new Error(`a batch of ${batch.length} got ${answers.length} answers`);
    for (const [i, p] of batch.entries()) p.resolve(answers[i] as O);
  };
  const runAlone = (p: Pending<I, O>) => runBatch([p]).catch(p.reject);

  const flush = () => {
    scheduled = false;
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.slice(0, options.maxSize);
      queue = queue.slice(batch.length);
      inFlight++;
      runBatch(batch)
        .catch(async (error: unknown) => {
          if (batch.length === 1) return batch[0]?.reject(error);
          for (const p of batch) await runAlone(p);
        })
        .finally(() => {
          inFlight--;
          schedule();
        });
    }
  };
  const schedule = () => {
    if (scheduled || queue.length === 0 || inFlight >= maxInFlight) return;
    scheduled = true;
    setImmediate(flush);
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}
