import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

/** Renders infra/k8s overlays with kubectl's built-in kustomize, the way an operator would. */

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const overlayNames = ["dev", "prod"] as const;
export type OverlayName = (typeof overlayNames)[number];

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
};

export const kubectlAvailable = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" }).status === 0;

export function renderOverlay(overlay: OverlayName): K8sObject[] {
  const result = spawnSync("kubectl", ["kustomize", `infra/k8s/overlays/${overlay}`], { cwd: repoRoot, encoding: "utf8", maxBuffer: 32 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`kubectl kustomize infra/k8s/overlays/${overlay} failed:\n${result.stderr}`);
  return parseManifests(result.stdout, `overlay ${overlay}`);
}

/** Multi-document YAML to plain objects; any YAML error, or a document that is no object, throws. */
export function parseManifests(text: string, source: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const [index, document] of parseAllDocuments(text).entries()) {
    if (document.errors.length > 0) throw new Error(`${source}, document ${index}: ${document.errors.map((e) => e.message).join("; ")}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (!isK8sObject(value)) throw new Error(`${source}, document ${index}: not a Kubernetes object (apiVersion, kind, metadata.name)`);
    objects.push(value);
  }
  return objects;
}

function isK8sObject(value: unknown): value is K8sObject {
  if (typeof value !== "object" || value === null) return false;
  const { apiVersion, kind, metadata } = value as Record<string, unknown>;
  return (
    typeof apiVersion === "string" &&
    typeof kind === "string" &&
    typeof metadata === "object" &&
    metadata !== null &&
    typeof (metadata as Record<string, unknown>).name === "string"
  );
}

export const describeObject = (object: K8sObject) => `${object.kind}/${object.metadata.name}`;
