/** The addon of src/yaml_block.cc, or undefined when `npm ci` could not build it. */
declare const addon:
  | {
      /** The words read() notes where they stand as plain scalar values (at most 32), for every later read in this thread. */
      words(words: readonly string[]): void;
      /**
       * The documents of the UTF-8 text (parsed from this reader's JSON by JSON.parse), or undefined when the text is the
       * JavaScript readers'; with leaveOutSchemaDocs, without the descriptions of CRD schemas that no check reads.
       */
      read(bytes: Uint8Array, maxDepth: number, leaveOutSchemaDocs?: boolean): unknown[] | undefined;
      /** The words (bits, in words()' order) the last read() found as plain scalar values. */
      noted(): number;
    }
  | undefined;
export = addon;
