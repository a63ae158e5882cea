/**
 * One container of a pod spec, regular or init.
 */
import type { Container, ContainerPort, VolumeMount } from 'kubernetes-types/core/v1.js';
import { isValidPortName, isValidPortNum } from '../names/misc.ts';
import { validateDNS1123Label } from './common.ts';
import { validateEnv, validateEnvFrom } from './env.ts';
import {
  duplicate,
  forbidden,
  invalid,
  notFound,
  notSupported,
  required,
  type FieldError,
} from './field-error.ts';
import { isSet, list, str } from './helpers.ts';
import { child, index } from './path.ts';
import { validateLifecycleHandler, validateProbe } from './probes.ts';
import { validateResourceRequirements } from './resources.ts';
import { localPath } from './volumes.ts';

export const portProtocols = ['SCTP', 'TCP', 'UDP'];
const pullPolicies = ['Always', 'IfNotPresent', 'Never'];
const terminationMessagePolicies = ['File', 'FallbackToLogsOnError'];

function validateEnum(value: unknown, valid: readonly string[], path: string): FieldError[] {
  if (value === undefined || value === null || value === '') return [required(path)];
  return typeof value === 'string' && valid.includes(value)
    ? []
    : [notSupported(path, value, valid)];
}

function validatePorts(ports: readonly ContainerPort[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list(ports).forEach((p, i) => {
    const at = index(path, i);
    const name = str(p?.name);
    if (name) {
      const msgs = isValidPortName(name);
      msgs.forEach((m) => errs.push(invalid(child(at, 'name'), name, m)));
      if (!msgs.length && names.has(name)) errs.push(duplicate(child(at, 'name'), name));
      names.add(name);
    }
    if (!p?.containerPort) errs.push(required(child(at, 'containerPort')));
    else {
      for (const m of isValidPortNum(p.containerPort)) {
        errs.push(invalid(child(at, 'containerPort'), p.containerPort, m));
      }
    }
    if (p?.hostPort) {
      for (const m of isValidPortNum(p.hostPort))
        errs.push(invalid(child(at, 'hostPort'), p.hostPort, m));
    }
    errs.push(...validateEnum(p?.protocol, portProtocols, child(at, 'protocol')));
  });
  return errs;
}

function validateVolumeMounts(
  mounts: readonly VolumeMount[] | undefined,
  volumes: ReadonlySet<string>,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  list(mounts).forEach((m, i) => {
    const at = index(path, i);
    const name = str(m?.name);
    if (!name) errs.push(required(child(at, 'name')));
    if (!volumes.has(name)) errs.push(notFound(child(at, 'name'), name));
    const mountPath = str(m?.mountPath);
    if (!mountPath) errs.push(required(child(at, 'mountPath')));
    if (mountPoints.has(mountPath))
      errs.push(invalid(child(at, 'mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    if (str(m?.subPath)) errs.push(...localPath(str(m.subPath), child(at, 'subPath')));
  });
  return errs;
}

function validateCommon(ctr: Container, volumes: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(ctr.name);
  if (!name) errs.push(required(child(path, 'name')));
  else errs.push(...validateDNS1123Label(name, child(path, 'name')));
  if (!str(ctr.image)) errs.push(required(child(path, 'image')));
  errs.push(
    ...validateEnum(
      ctr.terminationMessagePolicy,
      terminationMessagePolicies,
      child(path, 'terminationMessagePolicy'),
    ),
    ...validatePorts(ctr.ports, child(path, 'ports')),
    ...validateEnv(ctr.env, child(path, 'env')),
    ...validateEnvFrom(ctr.envFrom, child(path, 'envFrom')),
    ...validateVolumeMounts(ctr.volumeMounts, volumes, child(path, 'volumeMounts')),
    ...validateEnum(ctr.imagePullPolicy, pullPolicies, child(path, 'imagePullPolicy')),
    ...validateResourceRequirements(ctr.resources, child(path, 'resources')),
  );
  return errs;
}

function validateProbesAndHooks(ctr: Container, path: string): FieldError[] {
  const errs: FieldError[] = [
    ...validateLifecycleHandler(ctr.lifecycle?.postStart, child(path, 'lifecycle', 'postStart')),
    ...validateLifecycleHandler(ctr.lifecycle?.preStop, child(path, 'lifecycle', 'preStop')),
    ...validateProbe(ctr.livenessProbe, child(path, 'livenessProbe')),
    ...validateProbe(ctr.readinessProbe, child(path, 'readinessProbe')),
    ...validateProbe(ctr.startupProbe, child(path, 'startupProbe')),
  ];
  for (const probe of ['livenessProbe', 'startupProbe'] as const) {
    const p = ctr[probe];
    if (p && isSet(p.successThreshold) && p.successThreshold !== 1) {
      errs.push(invalid(child(path, probe, 'successThreshold'), p.successThreshold, 'must be 1'));
    }
  }
  const grace = ctr.readinessProbe?.terminationGracePeriodSeconds;
  if (isSet(grace)) {
    errs.push(
      invalid(
        child(path, 'readinessProbe', 'terminationGracePeriodSeconds'),
        grace,
        'must not be set for readinessProbes',
      ),
    );
  }
  return errs;
}

export function validateContainer(
  ctr: Container,
  volumes: ReadonlySet<string>,
  path: string,
): FieldError[] {
  const errs = [...validateCommon(ctr, volumes, path), ...validateProbesAndHooks(ctr, path)];
  if (isSet(ctr.restartPolicy)) {
    errs.push(forbidden(child(path, 'restartPolicy'), 'may not be set for non-init containers'));
  }
  return errs;
}

/** Init containers run to completion unless they are sidecars (`restartPolicy: Always`). */
export function validateInitContainer(
  ctr: Container,
  volumes: ReadonlySet<string>,
  path: string,
): FieldError[] {
  const errs = validateCommon(ctr, volumes, path);
  if (isSet(ctr.restartPolicy) && ctr.restartPolicy !== 'Always') {
    errs.push(notSupported(child(path, 'restartPolicy'), ctr.restartPolicy, ['Always']));
  }
  if (ctr.restartPolicy === 'Always') return [...errs, ...validateProbesAndHooks(ctr, path)];
  for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    if (isSet(ctr[f])) {
      errs.push(
        forbidden(
          child(path, f),
          'may not be set for init containers without restartPolicy=Always',
        ),
      );
    }
  }
  return errs;
}
