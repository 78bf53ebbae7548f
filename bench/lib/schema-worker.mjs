// Worker entry (plain JS: Node 20 workers do not inherit tsx's loader): register tsx, then run the TS worker.
import { register } from 'tsx/esm/api';

register();
await import('./schema-worker.ts');
