// Every function name an ApplicationSet Go template may call, assembled the way Argo CD
// assembles its FuncMap, from the upstream sources (never from memory):
//   text/template's builtins (Go src/text/template/funcs.go builtins()),
//   + Sprig v3.3.0 GenericFuncMap (Masterminds/sprig functions.go genericMap; v3.3.0 is the
//     release argoproj/argo-cd go.mod pins at e9537cd0176053dd39a3f3f83fee8ca11a887ca7),
//   − what Argo CD deletes, + what it adds (applicationset/utils/utils.go init() at e9537cd0),
//   + `tpl`, which later Argo CD registers (applicationset/utils/template_functions.go tplFun,
//     088e1e40a3d911bc3373cc8183ea8bd5e37592da).
// A name outside definedFunctions is a parse error in Argo CD too (`function "x" not defined`).

/** Go text/template's predefined functions (funcs.go builtins()). */
export const goBuiltins: readonly string[] = [
  'and', 'call', 'html', 'index', 'slice', 'js', 'len', 'not', 'or', 'print', 'printf', 'println', 'urlquery',
  'eq', 'ge', 'gt', 'le', 'lt', 'ne',
];

/** The keys of Sprig v3.3.0's genericMap, in file order (functions.go). */
export const sprigGenericMap: readonly string[] = [
  'hello',
  // Date functions
  'ago', 'date', 'date_in_zone', 'date_modify', 'dateInZone', 'dateModify', 'duration', 'durationRound', 'htmlDate',
  'htmlDateInZone', 'must_date_modify', 'mustDateModify', 'mustToDate', 'now', 'toDate', 'unixEpoch',
  // Strings
  'abbrev', 'abbrevboth', 'trunc', 'trim', 'upper', 'lower', 'title', 'untitle', 'substr', 'repeat', 'trimall', 'trimAll',
  'trimSuffix', 'trimPrefix', 'nospace', 'initials', 'randAlphaNum', 'randAlpha', 'randAscii', 'randNumeric', 'swapcase',
  'shuffle', 'snakecase', 'camelcase', 'kebabcase', 'wrap', 'wrapWith', 'contains', 'hasPrefix', 'hasSuffix', 'quote',
  'squote', 'cat', 'indent', 'nindent', 'replace', 'plural', 'sha1sum', 'sha256sum', 'sha512sum', 'adler32sum', 'toString',
  'atoi', 'int64', 'int', 'float64', 'seq', 'toDecimal', 'split', 'splitList', 'splitn', 'toStrings', 'until', 'untilStep',
  // Arithmetic
  'add1', 'add', 'sub', 'div', 'mod', 'mul', 'randInt', 'add1f', 'addf', 'subf', 'divf', 'mulf', 'biggest', 'max', 'min',
  'maxf', 'minf', 'ceil', 'floor', 'round',
  'join', 'sortAlpha',
  // Defaults
  'default', 'empty', 'coalesce', 'all', 'any', 'compact', 'mustCompact', 'fromJson', 'toJson', 'toPrettyJson', 'toRawJson',
  'mustFromJson', 'mustToJson', 'mustToPrettyJson', 'mustToRawJson', 'ternary', 'deepCopy', 'mustDeepCopy',
  // Reflection
  'typeOf', 'typeIs', 'typeIsLike', 'kindOf', 'kindIs', 'deepEqual',
  // OS, network
  'env', 'expandenv', 'getHostByName',
  // Paths, filepaths
  'base', 'dir', 'clean', 'ext', 'isAbs', 'osBase', 'osClean', 'osDir', 'osExt', 'osIsAbs',
  // Encoding
  'b64enc', 'b64dec', 'b32enc', 'b32dec',
  // Data structures
  'tuple', 'list', 'dict', 'get', 'set', 'unset', 'hasKey', 'pluck', 'keys', 'pick', 'omit', 'merge', 'mergeOverwrite',
  'mustMerge', 'mustMergeOverwrite', 'values', 'append', 'push', 'mustAppend', 'mustPush', 'prepend', 'mustPrepend', 'first',
  'mustFirst', 'rest', 'mustRest', 'last', 'mustLast', 'initial', 'mustInitial', 'reverse', 'mustReverse', 'uniq', 'mustUniq',
  'without', 'mustWithout', 'has', 'mustHas', 'slice', 'mustSlice', 'concat', 'dig', 'chunk', 'mustChunk',
  // Crypto, UUIDs, SemVer, flow control
  'bcrypt', 'htpasswd', 'genPrivateKey', 'derivePassword', 'buildCustomCert', 'genCA', 'genCAWithKey', 'genSelfSignedCert',
  'genSelfSignedCertWithKey', 'genSignedCert', 'genSignedCertWithKey', 'encryptAES', 'decryptAES', 'randBytes', 'uuidv4',
  'semver', 'semverCompare', 'fail',
  // Regex
  'regexMatch', 'mustRegexMatch', 'regexFindAll', 'mustRegexFindAll', 'regexFind', 'mustRegexFind', 'regexReplaceAll',
  'mustRegexReplaceAll', 'regexReplaceAllLiteral', 'mustRegexReplaceAllLiteral', 'regexSplit', 'mustRegexSplit', 'regexQuoteMeta',
  // URLs
  'urlParse', 'urlJoin',
];

/** Deleted from the Sprig map by Argo CD ("Avoid allowing the user to learn things about the environment"). */
export const argoRemoved: readonly string[] = ['env', 'expandenv', 'getHostByName'];

/** Added by Argo CD: utils.go init() at e9537cd0, and `tpl` from template_functions.go (088e1e40). */
export const argoAdded: readonly string[] = ['normalize', 'slugify', 'toYaml', 'fromYaml', 'fromYamlArray', 'tpl'];

/** Every name a template may call in Argo CD (implemented here or not). */
export const definedFunctions: ReadonlySet<string> = new Set([
  ...goBuiltins,
  ...sprigGenericMap.filter((n) => !argoRemoved.includes(n)),
  ...argoAdded,
]);
