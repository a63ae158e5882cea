import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conflictMessage, describeManager, type FieldConflict } from './conflicts.ts';

describe('conflictMessage', () => {
  it('lists several conflicts grouped by manager, as kube-apiserver does', () => {
    const conflicts: FieldConflict[] = [
      { manager: 'alice', operation: 'Apply', field: '.spec.replicas' },
      { manager: 'alice', operation: 'Apply', field: '.spec.paused' },
      {
        manager: 'hpa',
        operation: 'Update',
        apiVersion: 'apps/v1',
        field: '.spec.minReadySeconds',
      },
    ];
    assert.equal(
      conflictMessage(conflicts),
      'Apply failed with 3 conflicts: conflicts with "alice":\n- .spec.replicas\n- .spec.paused\n' +
        'conflicts with "hpa" using apps/v1:\n- .spec.minReadySeconds',
    );
  });

  it('names a subresource manager', () => {
    const id = {
      manager: 'kubectl',
      operation: 'Update' as const,
      apiVersion: 'apps/v1',
      subresource: 'scale',
    };
    assert.equal(describeManager(id), '"kubectl" with subresource "scale" using apps/v1');
  });
});
