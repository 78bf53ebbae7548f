// Reading generated objects in the generator tests: as plain JSON, found by kind and name.
import assert from 'node:assert/strict';
import type { KubeObject } from '../../kube/index.ts';

/** The generator's objects as the JSON they are written as. */
export const asJson = (objects: readonly { toJSON(): unknown }[]): KubeObject[] => objects.map((o) => o.toJSON() as KubeObject);

/** The object of this kind and name; the test fails naming it when there is none. */
export function findObject(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind}/${name} missing`);
  return o;
}
