import type { Database } from "@signup/db";
import type { IdpAdapter } from "./adapter.ts";
import { localAdapter } from "./local.ts";

export const idpNames = ["local"] as const;
export type IdpName = (typeof idpNames)[number];

export function selectAdapter(name: IdpName, deps: { db: Database }): IdpAdapter {
  switch (name) {
    case "local":
      return localAdapter(deps.db);
  }
}
