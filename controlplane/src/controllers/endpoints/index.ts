/** The endpoints controller: Services with a selector get Endpoints listing their pods. */
export { createEndpointsController } from './endpoints-controller.ts';
export type {
  EndpointsComponents,
  EndpointsController,
  EndpointsInit,
} from './endpoints-controller.ts';
