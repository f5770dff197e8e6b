/**
 * Group commit for statements that many concurrent jobs run alike: each call joins the next batch
 * and gets its own answer once that batch's one statement has run. Nothing waits on a timer: the
 * calls made in the same turn of the event loop go together, and while a batch is in flight the
 * next one gathers, so batches are one call when idle and grow with the load. A failed batch
 * fails every call in it (each job then retries as if its own statement had failed), so this
 * keeps whatever idempotency the statement has.
 */
export type Batched<I, O> = (item: I) => Promise<O>;

type Pending<I, O> = { item: I; resolve: (value: O) => void; reject: (error: unknown) => void };

/** `run` answers each item, in order; `maxSize` bounds a batch (and so its statement's size). */
export function batched<I, O>(run: (items: I[]) => Promise<O[]>, options: { maxSize: number; maxInFlight?: number }): Batched<I, O> {
  const maxInFlight = options.maxInFlight ?? 1;
  let queue: Array<Pending<I, O>> = [];
  let inFlight = 0;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.slice(0, options.maxSize);
      queue = queue.slice(batch.length);
      inFlight++;
      run(batch.map((p) => p.item))
        .then((answers) => {
          if (answers.length !== batch.length) throw new Error(`a batch of ${batch.length} got ${answers.length} answers`);
          for (const [i, p] of batch.entries()) p.resolve(answers[i] as O);
        })
        .catch((error: unknown) => {
          for (const p of batch) p.reject(error);
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
