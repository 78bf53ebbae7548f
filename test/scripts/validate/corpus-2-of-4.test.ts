// The bad-input corpus's cases 2, 6, 10, … in name order (corpus.ts says why it is split).
import { describeCorpusShard } from './corpus.ts';

describeCorpusShard(import.meta.url);
