// Worker for bench/validate.ts: strict-validate a chunk of objects, post the issue count.
import { parentPort, workerData } from 'node:worker_threads';
import { loadFieldTree } from '../../scripts/lib/validate/field-tree.ts';
import { SchemaValidator } from '../../scripts/lib/validate/schema.ts';

const objects = workerData as Record<string, any>[];
const validator = await SchemaValidator.create(await loadFieldTree(), objects.map((o) => `${o.apiVersion}/${o.kind}`));
let issues = 0;
for (const o of objects) issues += validator.validate(o).length;
parentPort!.postMessage(issues);
