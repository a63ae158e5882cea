/** The namespace controller: a namespace being deleted is emptied, then removed. */
export { createNamespaceController } from './namespace-controller.ts';
export type {
  NamespaceComponents,
  NamespaceController,
  NamespaceInit,
} from './namespace-controller.ts';
