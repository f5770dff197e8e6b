import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { describeObject, type K8sObject } from "./manifests.ts";

/**
 * The rules every rendered overlay must keep. Each check returns the list of problems (empty =
 * fine), so a test can show all of them at once and can also feed in a broken copy on purpose.
 */

/** Queue workers and the BullMQ queue each one consumes. */
export const queueWorkers = { provisioner: "provisioning", mailer: "mail", onboarding: "onboarding", sms: "sms", lifecycle: "lifecycle" } as const;
export const services = ["api", "web", "relay", ...Object.keys(queueWorkers)] as const;
export const queuePrefix = "{signup}";

type ScaledObject = K8sObject & {
  spec: {
    scaleTargetRef: { name: string; kind?: string };
    minReplicaCount?: number;
    maxReplicaCount?: number;
    triggers: { type: string; metadata: Record<string, string>; authenticationRef?: { name: string } }[];
  };
};
type Hpa = K8sObject & { spec: { scaleTargetRef: { kind: string; name: string }; minReplicas?: number; maxReplicas: number } };
type Pdb = K8sObject & { spec: { selector?: { matchLabels?: Record<string, string> }; minAvailable?: number | string; maxUnavailable?: number | string } };
type ConfigMap = K8sObject & { data?: Record<string, string> };

const ofKind = <T extends K8sObject>(objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind) as T[];
export const deployments = (objects: K8sObject[]) => ofKind<K8sObject & IDeployment>(objects, "Deployment");
const jobs = (objects: K8sObject[]) => ofKind<K8sObject & IJob>(objects, "Job");

/** Names that must only ever come from a Secret. */
export function looksSecret(name: string): boolean {
  return (
    /^(DATABASE_URL|REDIS_URL|SMTP_URL|ADMIN_TOKEN|SMS_URL|REDIS_PASSWORD)$/.test(name) ||
    name.startsWith("SIGNING_KEY") ||
    /_(SECRET|TOKEN|PASSWORD)$/.test(name)
  );
}

/** "25s", "1m", "500ms" or milliseconds (as the services' duration parser) to seconds. */
export function seconds(duration: string): number {
  const match = /^(\d+)(ms|s|m)?$/.exec(duration.trim());
  if (!match) throw new Error(`not a duration: ${duration}`);
  const factor = { ms: 0.001, s: 1, m: 60 }[match[2] ?? "ms"] ?? 0.001;
  return Number(match[1]) * factor;
}

function configMapsUsedBy(pod: IPodSpec, objects: K8sObject[]): ConfigMap[] {
  const names = new Set(pod.containers.flatMap((c) => (c.envFrom ?? []).flatMap((source) => (source.configMapRef?.name ? [source.configMapRef.name] : []))));
  return ofKind<ConfigMap>(objects, "ConfigMap").filter((map) => names.has(map.metadata.name));
}

/** A variable as the container sees it: its own env first, then envFrom ConfigMaps. */
function configValue(container: IContainer, pod: IPodSpec, objects: K8sObject[], name: string): string | undefined {
  const own = container.env?.find((variable) => variable.name === name);
  if (own) return own.value;
  for (const map of configMapsUsedBy(pod, objects)) if (map.data?.[name] !== undefined) return map.data[name];
  return undefined;
}

function preStopSeconds(container: IContainer): number | undefined {
  const preStop = container.lifecycle?.preStop;
  if (!preStop) return undefined;
  if (preStop.sleep) return preStop.sleep.seconds;
  const command = preStop.exec?.command ?? [];
  return command[0] === "sleep" && command[1] !== undefined ? Number(command[1]) : 0;
}

function securityProblems(where: string, pod: IPodSpec): string[] {
  const problems: string[] = [];
  const podContext = pod.securityContext;
  if (podContext?.seccompProfile?.type !== "RuntimeDefault") problems.push(`${where}: pod seccompProfile is not RuntimeDefault`);
  if (pod.automountServiceAccountToken !== false) problems.push(`${where}: service account token is mounted`);
  for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
    const context = container.securityContext;
    const at = `${where} container ${container.name}`;
    if ((context?.runAsNonRoot ?? podContext?.runAsNonRoot) !== true) problems.push(`${at}: runAsNonRoot is not true`);
    const uid = context?.runAsUser ?? podContext?.runAsUser;
    if (uid === undefined || uid === 0) problems.push(`${at}: no non-zero runAsUser`);
    if (context?.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation is not false`);
    if (context?.privileged === true) problems.push(`${at}: privileged`);
    if (context?.readOnlyRootFilesystem !== true) problems.push(`${at}: readOnlyRootFilesystem is not true`);
    if (!context?.capabilities?.drop?.includes("ALL")) problems.push(`${at}: capabilities do not drop ALL`);
    const tmp = container.volumeMounts?.find((mount) => mount.mountPath === "/tmp");
    const tmpVolume = pod.volumes?.find((volume) => volume.name === tmp?.name);
    if (!tmpVolume?.emptyDir) problems.push(`${at}: no emptyDir at /tmp (the root filesystem is read-only)`);
    const resources = container.resources;
    for (const kind of ["requests", "limits"] as const) {
      for (const resource of ["cpu", "memory"]) if (resources?.[kind]?.[resource] === undefined) problems.push(`${at}: no ${resource} ${kind}`);
    }
  }
  return problems;
}

/** Probes, resources, security context and a graceful shutdown on every Deployment; security on Jobs. */
export function workloadProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const deployment of deployments(objects)) {
    const where = describeObject(deployment);
    const pod = deployment.spec?.template.spec;
    if (!pod) {
      problems.push(`${where}: no pod spec`);
      continue;
    }
    problems.push(...securityProblems(where, pod));
    for (const container of pod.containers) {
      const at = `${where} container ${container.name}`;
      if (!container.livenessProbe?.httpGet) problems.push(`${at}: no HTTP liveness probe`);
      if (!container.readinessProbe?.httpGet) problems.push(`${at}: no HTTP readiness probe`);
      const preStop = preStopSeconds(container);
      if (preStop === undefined) problems.push(`${at}: no preStop hook`);
      const timeout = configValue(container, pod, objects, "SHUTDOWN_TIMEOUT");
      if (timeout === undefined) {
        problems.push(`${at}: SHUTDOWN_TIMEOUT is not set`);
        continue;
      }
      const grace = pod.terminationGracePeriodSeconds ?? 30;
      const needed = (preStop ?? 0) + seconds(timeout);
      if (grace <= needed)
        problems.push(`${at}: terminationGracePeriodSeconds ${grace} leaves no margin over preStop ${preStop ?? 0}s + SHUTDOWN_TIMEOUT ${timeout}`);
    }
  }
  for (const job of jobs(objects)) {
    const pod = job.spec?.template.spec;
    if (!pod) problems.push(`${describeObject(job)}: no pod spec`);
    else problems.push(...securityProblems(describeObject(job), pod));
    if (job.spec?.ttlSecondsAfterFinished === undefined) problems.push(`${describeObject(job)}: no ttlSecondsAfterFinished`);
    if (job.spec?.backoffLimit === undefined) problems.push(`${describeObject(job)}: no backoffLimit`);
  }
  return problems;
}

/** Each queue worker: a ScaledObject on its Deployment, reading its queue's BullMQ wait list. */
export function scalingProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const scaledObjects = ofKind<ScaledObject>(objects, "ScaledObject");
  const hpas = ofKind<Hpa>(objects, "HorizontalPodAutoscaler");
  const deploymentNames = new Set(deployments(objects).map((d) => d.metadata.name));
  const authentications = new Set(ofKind(objects, "TriggerAuthentication").map((a) => a.metadata.name));

  for (const [worker, queue] of Object.entries(queueWorkers)) {
    const deployment = deployments(objects).find((d) => d.metadata.name === worker);
    if (!deployment) {
      problems.push(`worker ${worker}: no Deployment`);
      continue;
    }
    const container = deployment.spec?.template.spec?.containers[0];
    const pod = deployment.spec?.template.spec;
    const prefix = container && pod ? configValue(container, pod, objects, "QUEUE_PREFIX") : undefined;
    if (prefix !== queuePrefix)
      problems.push(`worker ${worker}: QUEUE_PREFIX is ${JSON.stringify(prefix)}, not ${queuePrefix} (Redis Cluster needs the hash tag)`);
    const mine = scaledObjects.filter((s) => s.spec.scaleTargetRef.name === worker && (s.spec.scaleTargetRef.kind ?? "Deployment") === "Deployment");
    if (mine.length !== 1) {
      problems.push(`worker ${worker}: ${mine.length} ScaledObjects target it (want 1)`);
      continue;
    }
    const [scaledObject] = mine;
    if (!scaledObject) continue;
    if ((scaledObject.spec.minReplicaCount ?? 0) < 1) problems.push(`${describeObject(scaledObject)}: minReplicaCount below 1`);
    if (scaledObject.spec.maxReplicaCount === undefined || scaledObject.spec.maxReplicaCount < (scaledObject.spec.minReplicaCount ?? 0))
      problems.push(`${describeObject(scaledObject)}: maxReplicaCount missing or below minReplicaCount`);
    const redisTriggers = scaledObject.spec.triggers.filter((t) => t.type === "redis" || t.type === "redis-cluster");
    if (redisTriggers.length === 0) problems.push(`${describeObject(scaledObject)}: no redis trigger`);
    for (const trigger of redisTriggers) {
      const listName = trigger.metadata.listName ?? "";
      if (!listName.endsWith(`:${queue}:wait`)) problems.push(`${describeObject(scaledObject)}: listName ${listName} is not queue ${queue}'s wait list`);
      if (listName !== `${prefix}:${queue}:wait`)
        problems.push(`${describeObject(scaledObject)}: listName ${listName} does not use the services' QUEUE_PREFIX ${prefix}`);
      if (!listName.startsWith(`${queuePrefix}:`))
        problems.push(`${describeObject(scaledObject)}: listName ${listName} does not use the ${queuePrefix} prefix`);
      if (!(Number(trigger.metadata.listLength) > 0)) problems.push(`${describeObject(scaledObject)}: listLength is not a positive number`);
      const auth = trigger.authenticationRef?.name;
      if (!auth || !authentications.has(auth))
        problems.push(`${describeObject(scaledObject)}: authenticationRef ${auth ?? "(none)"} is not a TriggerAuthentication here`);
      if (trigger.metadata.password !== undefined) problems.push(`${describeObject(scaledObject)}: password inline in the trigger`);
    }
  }
  for (const scaledObject of scaledObjects) {
    if (!deploymentNames.has(scaledObject.spec.scaleTargetRef.name))
      problems.push(`${describeObject(scaledObject)}: targets missing Deployment ${scaledObject.spec.scaleTargetRef.name}`);
  }
  for (const name of ["api", "web"]) {
    const hpa = hpas.find((h) => h.spec.scaleTargetRef.kind === "Deployment" && h.spec.scaleTargetRef.name === name);
    if (!hpa) problems.push(`${name}: no HorizontalPodAutoscaler`);
  }
  for (const hpa of hpas) {
    const target = hpa.spec.scaleTargetRef.name;
    if (!deploymentNames.has(target)) problems.push(`${describeObject(hpa)}: targets missing Deployment ${target}`);
    if (scaledObjects.some((s) => s.spec.scaleTargetRef.name === target)) problems.push(`${describeObject(hpa)}: ${target} is also scaled by KEDA`);
  }
  return problems;
}

/** No secret values in the manifests, and secret-looking variables only from Secrets. */
export function secretProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const secret of ofKind<K8sObject & { data?: object; stringData?: object }>(objects, "Secret")) {
    if (Object.keys(secret.data ?? {}).length > 0 || Object.keys(secret.stringData ?? {}).length > 0)
      problems.push(`${describeObject(secret)}: a Secret with data in the manifests`);
  }
  for (const map of ofKind<ConfigMap>(objects, "ConfigMap")) {
    for (const key of Object.keys(map.data ?? {})) if (looksSecret(key)) problems.push(`${describeObject(map)}: secret-looking ${key} in a ConfigMap`);
  }
  for (const workload of [...deployments(objects), ...jobs(objects)]) {
    for (const container of workload.spec?.template.spec?.containers ?? []) {
      for (const variable of container.env ?? []) {
        if (!looksSecret(variable.name)) continue;
        if (!variable.valueFrom?.secretKeyRef)
          problems.push(`${describeObject(workload)} container ${container.name}: ${variable.name} does not come from a secretKeyRef`);
      }
    }
  }
  return problems;
}

/** Splits "registry:5000/name:tag@sha256:..." into its tag and digest. */
export function imageReference(image: string): { tag?: string; digest?: string } {
  const [nameAndTag = "", digest] = image.split("@");
  const lastSlash = nameAndTag.lastIndexOf("/");
  const colon = nameAndTag.indexOf(":", lastSlash + 1);
  return { ...(colon >= 0 ? { tag: nameAndTag.slice(colon + 1) } : {}), ...(digest ? { digest } : {}) };
}

/** Every image pinned: a digest, or a tag that is neither missing nor "latest". */
export function pinnedImageProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const workload of [...deployments(objects), ...jobs(objects)]) {
    const pod = workload.spec?.template.spec;
    for (const container of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
      const { tag, digest } = imageReference(container.image ?? "");
      if (!digest && (!tag || tag === "latest"))
        problems.push(`${describeObject(workload)} container ${container.name}: image ${container.image} is not pinned`);
    }
  }
  return problems;
}

/** Every Deployment has a PodDisruptionBudget that selects its pods and allows evictions. */
export function disruptionProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const pdbs = ofKind<Pdb>(objects, "PodDisruptionBudget");
  for (const deployment of deployments(objects)) {
    const labels = deployment.spec?.template.metadata?.labels ?? {};
    const selecting = pdbs.filter((pdb) => {
      const wanted = Object.entries(pdb.spec.selector?.matchLabels ?? {});
      return wanted.length > 0 && wanted.every(([key, value]) => labels[key] === value);
    });
    if (selecting.length !== 1) problems.push(`${describeObject(deployment)}: ${selecting.length} PodDisruptionBudgets select its pods (want 1)`);
    for (const pdb of selecting) {
      if (pdb.spec.minAvailable === undefined && pdb.spec.maxUnavailable === undefined)
        problems.push(`${describeObject(pdb)}: neither minAvailable nor maxUnavailable`);
    }
  }
  return problems;
}

/** Each service's Deployment runs its own entry point from the image. */
export function commandProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const name of services) {
    const deployment = deployments(objects).find((d) => d.metadata.name === name);
    const command = deployment?.spec?.template.spec?.containers[0]?.command;
    if (JSON.stringify(command) !== JSON.stringify(["node", "--enable-source-maps", `services/${name}/dist/main.js`]))
      problems.push(`${name}: command is ${JSON.stringify(command)}`);
  }
  const migrate = jobs(objects).find((job) => job.metadata.labels?.["app.kubernetes.io/component"] === "migrate");
  const command = migrate?.spec?.template.spec?.containers[0]?.command;
  if (JSON.stringify(command) !== JSON.stringify(["node", "--enable-source-maps", "packages/db/dist/migrate-cli.js"]))
    problems.push(`migrate Job: command is ${JSON.stringify(command)}`);
  return problems;
}
