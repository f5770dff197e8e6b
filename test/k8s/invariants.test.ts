import { describe, expect, it } from "vitest";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IContainer } from "kubernetes-models/v1/Container";
import {
  commandProblems,
  disruptionProblems,
  imageReference,
  looksSecret,
  pinnedImageProblems,
  scalingProblems,
  secretProblems,
  seconds,
  workloadProblems,
} from "./checks.ts";
import { kubectlAvailable, overlayNames, renderOverlay, type K8sObject } from "./manifests.ts";

/**
 * What a rendered overlay must never lose, whoever edits it: probes, limits, the security
 * context, a drain window longer than SHUTDOWN_TIMEOUT, queue-depth scaling on the right BullMQ
 * list, secrets only by reference, pinned images in prod, a PDB per Deployment.
 */
describe.skipIf(!kubectlAvailable)("rendered overlays keep the deployment invariants", () => {
  // Rendered while collecting: vitest still collects a skipped suite, hence the guard.
  const rendered = Object.fromEntries(overlayNames.map((overlay) => [overlay, kubectlAvailable ? renderOverlay(overlay) : []])) as Record<
    (typeof overlayNames)[number],
    K8sObject[]
  >;

  for (const overlay of overlayNames) {
    describe(`overlay ${overlay}`, () => {
      const objects = rendered[overlay];
      it("every Deployment: probes, requests and limits, non-root, no privilege escalation, read-only root, preStop, grace > SHUTDOWN_TIMEOUT", () => {
        expect(workloadProblems(objects)).toEqual([]);
      });
      it("every queue worker has a ScaledObject on its {signup}:<queue>:wait list; api and web have an HPA", () => {
        expect(scalingProblems(objects)).toEqual([]);
      });
      it("no Secret with data; secret-looking variables only from secretKeyRef", () => {
        expect(secretProblems(objects)).toEqual([]);
      });
      it("every Deployment has one PodDisruptionBudget selecting its pods", () => {
        expect(disruptionProblems(objects)).toEqual([]);
      });
      it("every service runs its own entry point; the Job runs the migrations", () => {
        expect(commandProblems(objects)).toEqual([]);
      });
    });
  }

  it("prod: every image is pinned (no missing or latest tag)", () => {
    expect(pinnedImageProblems(rendered.prod)).toEqual([]);
  });

  it("prod: the migration Job is named after the release's image tag, so each release runs a new one", () => {
    const job = rendered.prod.find((o) => o.kind === "Job") as (K8sObject & { spec: { template: { spec: { containers: IContainer[] } } } }) | undefined;
    const tag = imageReference(job?.spec.template.spec.containers[0]?.image ?? "").tag ?? "";
    expect(job?.metadata.name).toBe(`migrate-${tag.replaceAll(".", "-")}`);
  });

  // The checks above would be worthless if they passed on broken manifests: plant one violation of
  // each kind in a copy of prod and watch the matching check complain.
  describe("planted violations are caught", () => {
    const copy = () => structuredClone(rendered.prod);
    const deployment = (objects: K8sObject[], name: string) =>
      objects.find((o) => o.kind === "Deployment" && o.metadata.name === name) as K8sObject & IDeployment;
    const container = (objects: K8sObject[], name: string) => {
      const found = deployment(objects, name).spec?.template.spec?.containers[0];
      if (!found) throw new Error(`no container in ${name}`);
      return found;
    };

    it("a missing readiness probe", () => {
      const objects = copy();
      delete container(objects, "api").readinessProbe;
      expect(workloadProblems(objects)).toEqual(["Deployment/api container app: no HTTP readiness probe"]);
    });

    it("a missing memory limit, a writable root filesystem, privilege escalation", () => {
      const objects = copy();
      const mailer = container(objects, "mailer");
      delete mailer.resources?.limits?.memory;
      mailer.securityContext = { ...mailer.securityContext, readOnlyRootFilesystem: false, allowPrivilegeEscalation: true };
      expect(workloadProblems(objects)).toEqual([
        "Deployment/mailer container app: allowPrivilegeEscalation is not false",
        "Deployment/mailer container app: readOnlyRootFilesystem is not true",
        "Deployment/mailer container app: no memory limits",
      ]);
    });

    it("a grace period no longer than preStop + SHUTDOWN_TIMEOUT, and a missing preStop", () => {
      const objects = copy();
      const pod = deployment(objects, "relay").spec?.template.spec;
      if (pod) pod.terminationGracePeriodSeconds = 30;
      delete container(objects, "web").lifecycle;
      expect(workloadProblems(objects)).toEqual([
        "Deployment/relay container app: terminationGracePeriodSeconds 30 leaves no margin over preStop 5s + SHUTDOWN_TIMEOUT 25s",
        "Deployment/web container app: no preStop hook",
      ]);
    });

    it("a ScaledObject on the wrong list, one without the hash-tag prefix, and a worker without one", () => {
      const objects = copy();
      const scaled = (name: string) =>
        objects.find((o) => o.kind === "ScaledObject" && o.metadata.name === name) as K8sObject & {
          spec: { triggers: { metadata: Record<string, string> }[] };
        };
      const [mailTrigger] = scaled("mailer").spec.triggers;
      if (mailTrigger) mailTrigger.metadata.listName = "{signup}:mail:active";
      const [smsTrigger] = scaled("sms").spec.triggers;
      if (smsTrigger) smsTrigger.metadata.listName = "bull:sms:wait";
      const withoutOnboarding = objects.filter((o) => !(o.kind === "ScaledObject" && o.metadata.name === "onboarding"));
      expect(scalingProblems(withoutOnboarding)).toEqual([
        "ScaledObject/mailer: listName {signup}:mail:active is not queue mail's wait list",
        "ScaledObject/mailer: listName {signup}:mail:active does not use the services' QUEUE_PREFIX {signup}",
        "worker onboarding: 0 ScaledObjects target it (want 1)",
        "ScaledObject/sms: listName bull:sms:wait does not use the services' QUEUE_PREFIX {signup}",
        "ScaledObject/sms: listName bull:sms:wait does not use the {signup} prefix",
      ]);
    });

    it("no HPA for api", () => {
      const objects = copy().filter((o) => !(o.kind === "HorizontalPodAutoscaler" && o.metadata.name === "api"));
      expect(scalingProblems(objects)).toEqual(["api: no HorizontalPodAutoscaler"]);
    });

    it("an inline DATABASE_URL, a secret in the ConfigMap, a Secret with data", () => {
      const objects = copy();
      const env = container(objects, "relay").env ?? [];
      const index = env.findIndex((variable) => variable.name === "DATABASE_URL");
      env[index] = { name: "DATABASE_URL", value: "postgres://signup:hunter2@db/signup" };
      const config = objects.find((o) => o.kind === "ConfigMap") as K8sObject & { data: Record<string, string> };
      config.data.ADMIN_TOKEN = "0123456789abcdef";
      objects.push({ apiVersion: "v1", kind: "Secret", metadata: { name: "signup-api" }, stringData: { ADMIN_TOKEN: "x" } });
      expect(secretProblems(objects)).toEqual([
        "Secret/signup-api: a Secret with data in the manifests",
        `ConfigMap/${config.metadata.name}: secret-looking ADMIN_TOKEN in a ConfigMap`,
        "Deployment/relay container app: DATABASE_URL does not come from a secretKeyRef",
      ]);
    });

    it("an unpinned and a latest image", () => {
      const objects = copy();
      container(objects, "api").image = "ghcr.io/example/signup-pipeline";
      container(objects, "web").image = "ghcr.io/example/signup-pipeline:latest";
      expect(pinnedImageProblems(objects)).toEqual([
        "Deployment/api container app: image ghcr.io/example/signup-pipeline is not pinned",
        "Deployment/web container app: image ghcr.io/example/signup-pipeline:latest is not pinned",
      ]);
    });

    it("a PDB that selects nothing", () => {
      const objects = copy();
      const pdb = objects.find((o) => o.kind === "PodDisruptionBudget" && o.metadata.name === "sms") as K8sObject & {
        spec: { selector: { matchLabels: Record<string, string> } };
      };
      pdb.spec.selector.matchLabels["app.kubernetes.io/component"] = "sms-worker";
      expect(disruptionProblems(objects)).toEqual(["Deployment/sms: 0 PodDisruptionBudgets select its pods (want 1)"]);
    });
  });
});

describe("check helpers", () => {
  it("knows which variable names are secrets", () => {
    const secret = [
      "DATABASE_URL",
      "REDIS_URL",
      "SMTP_URL",
      "ADMIN_TOKEN",
      "SIGNING_KEY",
      "SIGNING_KEY_PREVIOUS",
      "KEYCLOAK_CLIENT_SECRET",
      "SCIM_TOKEN",
      "SMS_URL",
    ];
    const plain = ["PUBLIC_URL", "APP_URL", "API_URL", "QUEUE_PREFIX", "SHUTDOWN_TIMEOUT", "KEYCLOAK_CLIENT_ID", "OTEL_EXPORTER_OTLP_ENDPOINT"];
    expect(secret.filter((name) => !looksSecret(name))).toEqual([]);
    expect(plain.filter(looksSecret)).toEqual([]);
  });

  it("reads durations and image references", () => {
    expect([seconds("25s"), seconds("1m"), seconds("25000")]).toEqual([25, 60, 25]);
    expect(imageReference("registry:5000/team/app:1.0.0")).toEqual({ tag: "1.0.0" });
    expect(imageReference("registry:5000/team/app")).toEqual({});
    expect(imageReference("app@sha256:abc")).toEqual({ digest: "sha256:abc" });
  });
});
