// The bad-input corpus's cases 4, 8, 12, … in name order (corpus.ts says why it is split).
import { describeCorpusShard } from './corpus.ts';

describeCorpusShard(import.meta.url);
