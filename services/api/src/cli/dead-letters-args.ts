import { parseArgs } from "node:util";

export const usage = "usage: dead-letters list [--queue NAME] | dead-letters replay QUEUE JOB_ID";

export type DeadLettersArgs =
  | { command: "help" }
  | { command: "list"; queue?: string }
  | { command: "replay"; queue: string; jobId: string }
  | { error: string };

/** The command line, read without side effects: a bad argument is a value to report, not a throw. */
export function parseDeadLettersArgs(argv: readonly string[]): DeadLettersArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    // parseArgs' messages go on to explain `--`; the first sentence is the part an operator needs.
    return { error: ((error as Error).message.split(". ")[0] ?? "").replace(/\.?$/, ".") };
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: "help" };
  const [command, ...rest] = positionals;
  if (command === "list" && rest.length === 0) return values.queue === undefined ? { command } : { command, queue: values.queue };
  const [queue, jobId] = rest;
  if (command === "replay" && queue && jobId && rest.length === 2 && values.queue === undefined) return { command, queue, jobId };
  return { error: command ? `Wrong arguments for "${command}".` : "No command given." };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { queue: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
}
