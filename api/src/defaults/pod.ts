/**
 * Pod and pod-template defaults.
 */
import {
  canonicalizeQuantities,
  canonicalizeQuantity,
  child,
  existing,
  fill,
  isObj,
  items,
  type Obj,
} from './fill.ts';
import { volumeSources } from '../validation/volumes.ts';

export const defaultTerminationGracePeriodSeconds = 30;
export const defaultSchedulerName = 'default-scheduler';
export const defaultTerminationMessagePath = '/dev/termination-log';
/** 0644, the file mode of projected keys. */
export const defaultVolumeFileMode = 0o644;

/**
 * The tag a container runtime would pull: `latest` when neither a tag nor a digest is given.
 * URLs (wasm components by `https://` or `file://`) have no tag.
 */
export function imageTag(image: string): string {
  if (!image || image.includes('://')) return '';
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  const tag = colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : '';
  return tag || (at >= 0 ? '' : 'latest');
}

function defaultHandler(h: Obj | undefined): void {
  const http = existing(h, 'httpGet');
  if (!http) return;
  fill(http, 'path', '/');
  fill(http, 'scheme', 'HTTP');
}

function defaultProbe(p: Obj | undefined): void {
  if (!p) return;
  fill(p, 'timeoutSeconds', 1);
  fill(p, 'periodSeconds', 10);
  fill(p, 'successThreshold', 1);
  fill(p, 'failureThreshold', 3);
  defaultHandler(p);
}

function defaultFieldRef(envVar: Obj): void {
  const ref = existing(existing(envVar, 'valueFrom'), 'fieldRef');
  if (ref) fill(ref, 'apiVersion', 'v1');
}

export function defaultContainer(c: Obj): void {
  if (!c.imagePullPolicy) {
    c.imagePullPolicy = imageTag(String(c.image ?? '')) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  fill(c, 'terminationMessagePath', defaultTerminationMessagePath);
  fill(c, 'terminationMessagePolicy', 'File');
  const resources = child(c, 'resources');
  canonicalizeQuantities(existing(resources, 'limits'));
  canonicalizeQuantities(existing(resources, 'requests'));
  for (const port of items(c, 'ports')) fill(port, 'protocol', 'TCP');
  for (const ev of items(c, 'env')) defaultFieldRef(ev);
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'])
    defaultProbe(existing(c, probe));
  const lifecycle = existing(c, 'lifecycle');
  defaultHandler(existing(lifecycle, 'postStart'));
  defaultHandler(existing(lifecycle, 'preStop'));
}

function defaultDownwardAPIItems(source: Obj | undefined): void {
  for (const item of items(source, 'items')) {
    const ref = existing(item, 'fieldRef');
    if (ref) fill(ref, 'apiVersion', 'v1');
  }
}

export function defaultVolume(v: Obj): void {
  if (!volumeSources.some((s) => v[s] !== undefined && v[s] !== null)) v.emptyDir = {};
  for (const s of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = existing(v, s);
    if (src) fill(src, 'defaultMode', defaultVolumeFileMode);
  }
  const hostPath = existing(v, 'hostPath');
  if (hostPath && hostPath.type === undefined) hostPath.type = '';
  const emptyDir = existing(v, 'emptyDir');
  if (emptyDir) canonicalizeQuantity(emptyDir, 'sizeLimit');
  defaultDownwardAPIItems(existing(v, 'downwardAPI'));
  for (const src of items(existing(v, 'projected'), 'sources')) {
    defaultDownwardAPIItems(existing(src, 'downwardAPI'));
    const token = existing(src, 'serviceAccountToken');
    if (token) fill(token, 'expirationSeconds', 3600);
  }
}

/** Defaults every pod spec gets, in a Pod or in a template. */
export function defaultPodSpec(spec: Obj): void {
  fill(spec, 'dnsPolicy', 'ClusterFirst');
  fill(spec, 'restartPolicy', 'Always');
  fill(spec, 'securityContext', {});
  fill(spec, 'terminationGracePeriodSeconds', defaultTerminationGracePeriodSeconds);
  fill(spec, 'schedulerName', defaultSchedulerName);
  for (const group of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of items(spec, group)) defaultContainer(c);
  }
  for (const v of items(spec, 'volumes')) defaultVolume(v);
}

export function defaultPodTemplate(template: Obj | undefined): void {
  if (!template) return;
  const spec = child(template, 'spec');
  if (spec) defaultPodSpec(spec);
}

/** A request left out where a limit is given defaults to the limit. */
function requestsFromLimits(c: Obj): void {
  const resources = existing(c, 'resources');
  const limits = existing(resources, 'limits');
  if (!resources || !limits) return;
  const requests = child(resources, 'requests');
  if (!requests) return;
  for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
}

/** Pods get a few defaults their templates do not. */
export function defaultPod(pod: Obj): void {
  const spec = child(pod, 'spec');
  if (!spec) return;
  defaultPodSpec(spec);
  for (const group of ['initContainers', 'containers']) {
    for (const c of items(spec, group)) requestsFromLimits(c);
  }
  fill(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    for (const group of ['initContainers', 'containers']) {
      for (const c of items(spec, group)) {
        for (const port of items(c, 'ports')) fill(port, 'hostPort', port.containerPort);
      }
    }
  }
  if (!isObj(pod.status)) pod.status = { phase: 'Pending' };
  else fill(pod.status, 'phase', 'Pending');
}
