import { z } from "zod";

/** `?cursor=&limit=` of the admin lists: the cursor is an offset the previous page handed out. */
export const pageQuery = z.object({
  cursor: z.string().regex(/^\d+$/).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export type Page = { offset: number; limit: number };

export function toPage(query: z.output<typeof pageQuery>): Page {
  return { offset: Number(query.cursor ?? 0), limit: query.limit };
}

/** Rows fetched with limit + 1: one extra row says whether there is a next page. */
export function pageOf<T>(rows: T[], page: Page): { items: T[]; nextCursor: string | null } {
  return { items: rows.slice(0, page.limit), nextCursor: rows.length > page.limit ? String(page.offset + page.limit) : null };
}
