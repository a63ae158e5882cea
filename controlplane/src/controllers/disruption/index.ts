/** The disruption controller: PodDisruptionBudget status from the pods it covers. */
export { createDisruptionController } from './disruption-controller.ts';
export type {
  DisruptionComponents,
  DisruptionController,
  DisruptionInit,
} from './disruption-controller.ts';
