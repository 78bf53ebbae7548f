/** The addon of src/files_scan.cc, or undefined when `npm ci` could not build it. */
declare const addon:
  | {
      /** Each file's size in bytes (stat(2), links followed), or -1 where stat fails or the path is not a regular file. */
      sizes(paths: readonly string[]): Float64Array;
      /**
       * On a thread of libuv's pool: the indexes of the files whose first `sizes[i]` bytes hold `needle`, one per
       * distinct content, each the last file of that content, in the order of the content's last file; contents of
       * the same length are compared byte for byte (past `keepBytes` of kept contents, by reading the earlier file
       * again). null when a file could not be opened or read: the caller reads them itself, to say why.
       */
      lastCopiesHolding(paths: readonly string[], sizes: Float64Array, needle: string, keepBytes: number): Promise<Int32Array | null>;
      /**
       * filesUnder(root, skip) of scripts/lib/plumbing/files.ts, kept to the files whose names end with one of
       * `suffixes` (ASCII letters compared without case), each with its size (stat(2), links followed; -1 if it went
       * between the listing and the stat), in the order the walk met them; `tooLarge` when more than `maxEntries`
       * entries were seen. Given `stopAtBytes`, the walk stops (`stopped`) as soon as the files listed hold that many
       * bytes, counting only files of at most `countBytesUpTo` bytes.
       */
      list(
        root: string,
        skip: readonly string[],
        suffixes: readonly string[],
        maxEntries: number,
        stopAtBytes?: number,
        countBytesUpTo?: number,
      ): { files: string[]; sizes: Float64Array; stopped?: true; tooLarge?: undefined } | { tooLarge: true };
    }
  | undefined;
export = addon;
