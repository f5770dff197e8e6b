import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Ingress, type IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { queueWorkers, services } from "./checks.ts";
import { describeObject, kubectlAvailable, overlayNames, parseManifests, renderOverlay, repoRoot, type K8sObject } from "./manifests.ts";

type Validatable = { validate(): void };
const model =
  <T>(Model: new (data: T) => Validatable) =>
  (object: K8sObject): Validatable =>
    new Model(object as T);

/** Every kind the manifests may contain, by apiVersion/kind; anything else is a mistake. */
const models: Record<string, (object: K8sObject) => Validatable> = {
  "v1/Namespace": model(Namespace),
  "v1/ConfigMap": model(ConfigMap),
  "v1/Secret": model(Secret),
  "v1/Service": model(Service),
  "v1/ServiceAccount": model(ServiceAccount),
  "apps/v1/Deployment": model(Deployment),
  "batch/v1/Job": model(Job),
  "policy/v1/PodDisruptionBudget": model(PodDisruptionBudget),
  "autoscaling/v2/HorizontalPodAutoscaler": model(HorizontalPodAutoscaler),
  "networking.k8s.io/v1/Ingress": model(Ingress),
  "keda.sh/v1alpha1/ScaledObject": model(ScaledObject),
  "keda.sh/v1alpha1/TriggerAuthentication": model(TriggerAuthentication),
};

function schemaProblems(objects: K8sObject[]): string[] {
  return objects.flatMap((object) => {
    const build = models[`${object.apiVersion}/${object.kind}`];
    if (!build) return [`${describeObject(object)}: unknown kind ${object.apiVersion}/${object.kind}`];
    try {
      build(object).validate();
      return [];
    } catch (error) {
      return [`${describeObject(object)}: ${(error as Error).message}`];
    }
  });
}

describe.skipIf(!kubectlAvailable)("kustomize overlays render to valid Kubernetes objects", () => {
  for (const overlay of overlayNames) {
    describe(`overlay ${overlay}`, () => {
      // Rendered while collecting: vitest still collects a skipped suite, hence the guard.
      const objects = kubectlAvailable ? renderOverlay(overlay) : [];

      it("validates every object against its kubernetes-models schema (unknown kinds fail)", () => {
        expect(objects.length).toBeGreaterThan(20);
        expect(schemaProblems(objects)).toEqual([]);
      });

      it("puts every namespaced object into the overlay's namespace", () => {
        const [namespace, ...others] = objects.filter((o) => o.kind === "Namespace");
        expect(others).toEqual([]);
        expect(namespace).toBeDefined();
        const outside = objects.filter((o) => o.kind !== "Namespace" && o.metadata.namespace !== namespace?.metadata.name).map(describeObject);
        expect(outside).toEqual([]);
      });

      it("has a Deployment for every service and a Service for api and web", () => {
        const deploymentNames = objects.filter((o) => o.kind === "Deployment").map((o) => o.metadata.name);
        expect(deploymentNames.sort()).toEqual([...services].sort());
        const serviceNames = objects.filter((o) => o.kind === "Service").map((o) => o.metadata.name);
        expect(serviceNames).toEqual(expect.arrayContaining(["api", "web"]));
      });

      it("routes the ingress: / to web, the API's paths to api", () => {
        const ingress = objects.find((o) => o.kind === "Ingress") as (K8sObject & IIngress) | undefined;
        const routes = Object.fromEntries((ingress?.spec?.rules?.[0]?.http?.paths ?? []).map((p) => [p.path, `${p.pathType} ${p.backend.service?.name}`]));
        expect(routes).toEqual({
          "/": "Prefix web",
          ...Object.fromEntries(["/v1", "/account", "/.well-known", "/admin", "/docs", "/healthz", "/readyz"].map((path) => [path, "Prefix api"])),
        });
      });
    });
  }

  it("rejects a planted schema error and an unknown kind", () => {
    const [deployment] = parseManifests(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x }\nspec: { replicas: two, selector: {}, template: { spec: { containers: [] } } }\n",
      "planted",
    );
    expect(deployment && schemaProblems([deployment])).toEqual([expect.stringContaining("replicas must be integer")]);
    expect(schemaProblems([{ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }])).toEqual([
      "Widget/w: unknown kind example.com/v1/Widget",
    ]);
  });
});

describe("infra/compose.yaml", () => {
  type ComposeService = {
    command?: string[];
    image?: string;
    build?: { dockerfile?: string };
    environment?: Record<string, string | null>;
    ports?: string[];
    network_mode?: string;
  };
  const compose = parse(readFileSync(join(repoRoot, "infra/compose.yaml"), "utf8"), { merge: true }) as { services: Record<string, ComposeService> };

  it("parses, with a service per Kubernetes Deployment plus the migrate one-shot", () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining([...services, "migrate", "postgres", "redis"]));
  });

  it("runs each service as the image does in Kubernetes: node --enable-source-maps <dist entry>", () => {
    for (const name of services) {
      const service = compose.services[name];
      expect(service?.command, name).toEqual(["node", "--enable-source-maps", `services/${name}/dist/main.js`]);
      expect(service?.build?.dockerfile, name).toBe("infra/Dockerfile");
    }
    expect(compose.services.migrate?.command).toEqual(["node", "--enable-source-maps", "packages/db/dist/migrate-cli.js"]);
  });

  it("configures the back end as Kubernetes does: {signup} prefix, log:// SMS, the web's origin on the API", () => {
    for (const name of ["api", "relay", ...Object.keys(queueWorkers)]) {
      expect(compose.services[name]?.environment?.QUEUE_PREFIX, name).toBe("{signup}");
      expect(compose.services[name]?.environment?.SMS_URL, name).toBe("log://");
    }
    const api = compose.services.api?.environment;
    expect(api?.CORS_ORIGINS).toBe("http://localhost:3001");
    expect(api?.REDIRECT_ALLOWLIST).toBe("http://localhost:3001");
    expect(api).toHaveProperty("SIGNING_KEY");
    expect(compose.services.web?.environment?.PORT).toBe("3001");
    expect(compose.services.web?.environment).not.toHaveProperty("DATABASE_URL");
  });
});
