/**
 * The architecture's import rules, checked by `pnpm lint` (and so by `pnpm test` and CI):
 * services never import each other, packages never import services (or the local infra and the
 * tests), a service's own code never imports test code, and there are no import cycles.
 */
module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", comment: "An import cycle makes start-up order and reasoning fragile.", from: {}, to: { circular: true } },
    {
      name: "services-stay-apart",
      severity: "error",
      comment: "Services talk through events and HTTP, never by importing each other; what two share goes to packages/.",
      from: { path: "^services/([^/]+)/" },
      to: { path: "^services/", pathNot: "^services/$1/" },
    },
    {
      name: "packages-below-services",
      severity: "error",
      comment: "packages/ holds what services share; it never depends on a service, the local infra or the tests.",
      from: { path: "^packages/" },
      to: { path: "^(services|infra|test)/" },
    },
    {
      name: "no-test-code-in-src",
      severity: "error",
      comment: "Never add test-only code to src/: a service's code does not import the test support.",
      from: { path: "^(services|packages)/[^/]+/src/", pathNot: "\\.test\\.ts$" },
      to: { path: "^test/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|node_modules)/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "default"], extensions: [".ts", ".js", ".mjs"] },
  },
};
