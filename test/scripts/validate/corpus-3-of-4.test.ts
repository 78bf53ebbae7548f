// The bad-input corpus's cases 3, 7, 11, … in name order (corpus.ts says why it is split).
import { describeCorpusShard } from './corpus.ts';

describeCorpusShard(import.meta.url);
