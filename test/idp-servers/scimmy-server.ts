import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";

/**
 * A real SCIM 2.0 service provider built from the open-source SCIMMY library and its Express
 * routers: SCIMMY parses, validates, filters and formats per RFC 7643/7644; we only supply the
 * in-memory store through its ingress/egress/degress handlers, and bearer auth.
 *
 * SCIMMY leaves uniqueness to the store, so ingress throws SCIMMY's own SCIMError(409,
 * "uniqueness") for a taken userName, as its documentation says a handler should.
 * DELETE /Users/:id is scimmy-routers' own route: it calls User#dispose, which runs degress and
 * answers 204; degress throws SCIMError(404) for an unknown id, which the router sends as a 404.
 * SCIMMY's resource handlers are process-global: start one of these servers at a time.
 */

export type ScimmyStoredUser = { id: string; userName: string; externalId?: string } & Record<string, unknown>;

export type ScimmyServer = {
  url: string;
  /** Where SCIM_BASE_URL points: {url}/scim/v2. */
  baseUrl: string;
  token: string;
  users: Map<string, ScimmyStoredUser>;
  close(): Promise<void>;
};

export async function startScimmyServer(options: { token?: string } = {}): Promise<ScimmyServer> {
  const token = options.token ?? "scimmy-test-token";
  const users = new Map<string, ScimmyStoredUser>();

  SCIMMY.Resources.declare(SCIMMY.Resources.User)
    .ingress((resource, instance) => {
      // A plain copy of the validated schema instance, without SCIMMY's accessors.
      const data = JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
      const userName = String(data.userName ?? "");
      const clash = [...users.values()].find((u) => u.userName.toLowerCase() === userName.toLowerCase() && u.id !== resource.id);
      if (clash) throw new SCIMMY.Types.Error(409, "uniqueness", `userName ${userName} is already in use`);
      if (resource.id && !users.has(resource.id)) throw new SCIMMY.Types.Error(404, "", `Resource ${resource.id} not found`);
      const id = resource.id ?? randomUUID();
      const now = new Date().toISOString();
      const stored: ScimmyStoredUser = { ...data, id, userName, meta: { created: now, lastModified: now } };
      users.set(id, stored);
      return stored;
    })
    .egress((resource) => {
      if (resource.id) {
        const user = users.get(resource.id);
        if (!user) throw new SCIMMY.Types.Error(404, "", `Resource ${resource.id} not found`);
        return user;
      }
      const all = [...users.values()];
      return resource.filter ? (resource.filter.match(all) as ScimmyStoredUser[]) : all;
    })
    .degress((resource) => {
      if (!resource.id || !users.delete(resource.id)) throw new SCIMMY.Types.Error(404, "", `Resource ${resource.id} not found`);
    });

  const app = express();
  app.use(
    "/scim/v2",
    new SCIMMYRouters({
      type: "bearer",
      handler: (request) => {
        if (request.header("authorization") !== `Bearer ${token}`) throw new Error("Authorization failure: invalid bearer token");
        return "provisioner";
      },
    }) as unknown as express.Router,
  );

  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseUrl: `${url}/scim/v2`,
    token,
    users,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
