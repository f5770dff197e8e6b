import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { serviceHeapFlags } from "@signup/local-infra";
import { repoRoot } from "./manifests.ts";

/**
 * infra/Dockerfile cannot be built here (no container engine), so its contract is checked as
 * text: what the COPY lines read exists and survives .dockerignore, and the runtime stage is the
 * one Kubernetes and compose rely on.
 */

type Instruction = { stage: string; keyword: string; args: string };

function parseDockerfile(text: string): { syntax?: string; instructions: Instruction[] } {
  const syntax = /^# syntax=(\S+)/m.exec(text)?.[1];
  const logical = text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  let stage = "";
  const instructions = logical.map((line) => {
    const [, keyword = "", args = ""] = /^(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === "FROM") stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? "";
    return { stage, keyword: keyword.toUpperCase(), args };
  });
  return { ...(syntax ? { syntax } : {}), instructions };
}

/** .dockerignore patterns (the subset the file uses: literal paths, `*`, `**`) as a path test. */
function dockerIgnored(patterns: string[]): (path: string) => boolean {
  const regexes = patterns.map((pattern) => {
    const source = pattern
      .replace(/^\/+|\/+$/g, "")
      .split("/")
      .map((part) =>
        part === "**"
          ? "(?:.*/)?"
          : `${part
              .replace(/[.+^${}()|[\]\\]/g, "\\$&")
              .replace(/\*/g, "[^/]*")
              .replace(/\?/g, "[^/]")}/`,
      )
      .join("");
    return new RegExp(`^${source.replace(/\/$/, "")}$`);
  });
  // A path is out of the context when it, or any directory above it, matches.
  return (path) => {
    const parts = path.split("/");
    return parts.some((_, index) => regexes.some((regex) => regex.test(parts.slice(0, index + 1).join("/"))));
  };
}

/** Expands `*` within one path segment against the repository, as COPY does. */
function expand(pattern: string): string[] {
  let paths = [""];
  for (const segment of pattern.replace(/^\.\//, "").split("/")) {
    if (!segment.includes("*")) {
      paths = paths.map((path) => (path ? `${path}/${segment}` : segment));
      continue;
    }
    const regex = new RegExp(`^${segment.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
    paths = paths.flatMap((path) => {
      const directory = join(repoRoot, path);
      if (!existsSync(directory)) return [];
      return readdirSync(directory)
        .filter((name) => regex.test(name))
        .map((name) => (path ? `${path}/${name}` : name));
    });
  }
  return paths.filter((path) => existsSync(join(repoRoot, path)));
}

describe("infra/Dockerfile", () => {
  const { syntax, instructions } = parseDockerfile(readFileSync(join(repoRoot, "infra/Dockerfile"), "utf8"));
  const ignored = dockerIgnored(
    readFileSync(join(repoRoot, ".dockerignore"), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#")),
  );
  const runtime = instructions.filter((i) => i.stage === "runtime");
  const build = instructions.filter((i) => i.stage === "build");

  it("has a build and a runtime stage on node:22-bookworm-slim", () => {
    expect(instructions.filter((i) => i.keyword === "FROM").map((i) => i.stage)).toEqual(["build", "runtime"]);
    expect(instructions.find((i) => i.keyword === "ARG" && i.args.startsWith("NODE_IMAGE="))?.args).toBe("NODE_IMAGE=node:22-bookworm-slim");
  });

  it("caps each service's heap as pnpm start does (a Dockerfile cannot import serviceHeapFlags)", () => {
    const nodeOptions = runtime.find((i) => i.keyword === "ENV" && i.args.startsWith("NODE_OPTIONS="))?.args ?? "";
    for (const flag of serviceHeapFlags) expect(nodeOptions).toContain(flag);
  });

  it("installs the pnpm version the repository pins", () => {
    const packageManager = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { packageManager: string }).packageManager;
    expect(build.some((i) => i.keyword === "RUN" && i.args.includes(`npm i -g ${packageManager}`))).toBe(true);
  });

  it("declares a Dockerfile syntax that has COPY --parents (1.20 or newer)", () => {
    const minor = Number(/^docker\/dockerfile:1\.(\d+)/.exec(syntax ?? "")?.[1]);
    expect(minor).toBeGreaterThanOrEqual(20);
  });

  it("copies only paths that exist in the repository and are not excluded by .dockerignore", () => {
    const copies = build.filter((i) => i.keyword === "COPY" && !i.args.includes("--from"));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const sources = copy.args
        .split(/\s+/)
        .filter((arg) => !arg.startsWith("--"))
        .slice(0, -1);
      for (const source of sources) {
        const matches = expand(source);
        expect(matches, `COPY ${source}`).not.toEqual([]);
        expect(matches.filter(ignored), `COPY ${source}`).toEqual([]);
      }
    }
    // The install layer gets every workspace manifest, so the frozen lockfile matches.
    const manifests = copies.flatMap((copy) => copy.args.split(/\s+/).filter((arg) => arg.endsWith("package.json"))).flatMap(expand);
    expect(manifests).toEqual(
      expect.arrayContaining(["package.json", "packages/db/package.json", "services/api/package.json", "infra/local/package.json", "test/package.json"]),
    );
  });

  it("installs with the frozen lockfile, builds, and lays out production dependencies offline", () => {
    const runs = build.filter((i) => i.keyword === "RUN").map((i) => i.args);
    expect(runs.some((run) => run.includes("pnpm install --frozen-lockfile"))).toBe(true);
    expect(runs.some((run) => run.includes("pnpm build"))).toBe(true);
    const layout = runs.find((run) => run.includes("pnpm install --prod --frozen-lockfile --offline")) ?? "";
    for (const path of ["packages/db/migrations", "services/mailer/templates", "dist", "assets", "package.json", "patches"])
      expect(layout, path).toContain(path);
  });

  it("runs as the unprivileged node user under tini, with the api as the default command", () => {
    expect(runtime.filter((i) => i.keyword === "COPY").every((i) => i.args.startsWith("--from=build "))).toBe(true);
    expect(runtime.find((i) => i.keyword === "USER")?.args).toBe("node");
    expect(runtime.some((i) => i.keyword === "ENV" && i.args === "NODE_ENV=production")).toBe(true);
    expect(runtime.some((i) => i.keyword === "RUN" && /apt-get install .*\btini\b/.test(i.args))).toBe(true);
    expect(JSON.parse(runtime.find((i) => i.keyword === "ENTRYPOINT")?.args ?? "null")).toEqual(["/usr/bin/tini", "--"]);
    expect(JSON.parse(runtime.find((i) => i.keyword === "CMD")?.args ?? "null")).toEqual(["node", "--enable-source-maps", "services/api/dist/main.js"]);
    expect(runtime.findLast((i) => i.keyword === "WORKDIR")?.args).toBe("/app");
  });

  it("health-checks /healthz on PORT, then on METRICS_PORT", () => {
    const healthcheck = runtime.find((i) => i.keyword === "HEALTHCHECK")?.args ?? "";
    const command = JSON.parse(healthcheck.slice(healthcheck.indexOf("CMD ") + 4)) as string[];
    expect(command.slice(0, 2)).toEqual(["node", "-e"]);
    const script = command[2] ?? "";
    expect(script).toContain("process.env.PORT");
    expect(script).toContain("process.env.METRICS_PORT");
    expect(script).toContain("/healthz");
    expect(script.indexOf("process.env.PORT")).toBeLessThan(script.indexOf("process.env.METRICS_PORT"));
  });

  it("reads .dockerignore patterns as docker does for the ones it has", () => {
    const test = dockerIgnored(["node_modules", "**/node_modules", ".git", "*.log"]);
    expect(["node_modules", "packages/db/node_modules/x", ".git/HEAD", "debug.log"].filter(test)).toHaveLength(4);
    expect(["packages/db/src/index.ts", "services/api/dist/main.js", "a/debug.log"].filter(test)).toEqual([]);
  });
});
