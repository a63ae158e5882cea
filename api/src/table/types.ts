/**
 * `meta.k8s.io/v1` Table, the answer to `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`
 * that `kubectl get` prints column by column.
 */
import type { KubeObject, ListMeta, ObjectMeta } from '../meta.ts';

export interface TableColumnDefinition {
  /** Title-cased; kubectl upper-cases it for the header. */
  readonly name: string;
  /** OpenAPI type of the cells: `string`, `integer`, `number`, `boolean`, `date`. */
  readonly type: string;
  /** `name` marks the column that names the object. */
  readonly format: string;
  readonly description: string;
  /** 0 is always shown; 1 only with `-o wide`. */
  readonly priority: number;
}

export interface TableRowCondition {
  readonly type: 'Completed';
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
}

export type Cell = string | number | boolean;

export interface PartialObjectMetadata {
  readonly kind: 'PartialObjectMetadata';
  readonly apiVersion: 'meta.k8s.io/v1';
  readonly metadata: ObjectMeta;
}

export interface TableRow {
  readonly cells: Cell[];
  readonly conditions?: TableRowCondition[];
  readonly object?: KubeObject | PartialObjectMetadata;
}

export interface Table {
  readonly kind: 'Table';
  readonly apiVersion: 'meta.k8s.io/v1';
  readonly metadata: ListMeta;
  readonly columnDefinitions: TableColumnDefinition[];
  readonly rows: TableRow[];
}

export type IncludeObject = 'None' | 'Object' | 'Metadata';

export interface ToTableOptions {
  /** Wall-clock milliseconds that ages are measured against. */
  readonly now: number;
  /** What each row carries besides its cells; `Metadata` (the server default) if unset. */
  readonly includeObject?: IncludeObject;
  readonly listMeta?: ListMeta;
}

/** What a kind's printer makes of one object. */
export interface PrintedRow {
  readonly cells: Cell[];
  readonly conditions?: TableRowCondition[];
}

/** The columns of one kind and how to fill them; rows always carry the wide columns too. */
export interface Printer {
  readonly columns: readonly TableColumnDefinition[];
  row(obj: KubeObject, now: number): PrintedRow;
}
