// The function names an ApplicationSet Go template may call, against upstream's own lists:
// Masterminds/sprig v3.3.0 functions.go genericMap (the version argoproj/argo-cd go.mod pins at
// e9537cd0176053dd39a3f3f83fee8ca11a887ca7; 3.3.0 is the release that added sha512sum,
// CHANGELOG.md), minus the three names argo-cd applicationset/utils/utils.go init() deletes
// and plus the five it adds (e9537cd0), plus `tpl` (template_functions.go tplFun, 088e1e40).
// The expected names below are copied from those files, not from the module under test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definedFunctions } from '../../../scripts/lib/argocd/template-functions.ts';
import { TemplateError, renderTemplate, supportedFunctions } from '../../../scripts/lib/argocd/gotemplate.ts';

// functions.go `var genericMap = map[string]interface{}{ … }`, keys as written there.
const upstreamGenericMap = `
hello ago date date_in_zone date_modify dateInZone dateModify duration durationRound htmlDate htmlDateInZone
must_date_modify mustDateModify mustToDate now toDate unixEpoch abbrev abbrevboth trunc trim upper lower title untitle
substr repeat trimall trimAll trimSuffix trimPrefix nospace initials randAlphaNum randAlpha randAscii randNumeric swapcase
shuffle snakecase camelcase kebabcase wrap wrapWith contains hasPrefix hasSuffix quote squote cat indent nindent replace
plural sha1sum sha256sum sha512sum adler32sum toString atoi int64 int float64 seq toDecimal split splitList splitn toStrings
until untilStep add1 add sub div mod mul randInt add1f addf subf divf mulf biggest max min maxf minf ceil floor round join
sortAlpha default empty coalesce all any compact mustCompact fromJson toJson toPrettyJson toRawJson mustFromJson mustToJson
mustToPrettyJson mustToRawJson ternary deepCopy mustDeepCopy typeOf typeIs typeIsLike kindOf kindIs deepEqual env expandenv
getHostByName base dir clean ext isAbs osBase osClean osDir osExt osIsAbs b64enc b64dec b32enc b32dec tuple list dict get
set unset hasKey pluck keys pick omit merge mergeOverwrite mustMerge mustMergeOverwrite values append push mustAppend
mustPush prepend mustPrepend first mustFirst rest mustRest last mustLast initial mustInitial reverse mustReverse uniq
mustUniq without mustWithout has mustHas slice mustSlice concat dig chunk mustChunk bcrypt htpasswd genPrivateKey
derivePassword buildCustomCert genCA genCAWithKey genSelfSignedCert genSelfSignedCertWithKey genSignedCert
genSignedCertWithKey encryptAES decryptAES randBytes uuidv4 semver semverCompare fail regexMatch mustRegexMatch
regexFindAll mustRegexFindAll regexFind mustRegexFind regexReplaceAll mustRegexReplaceAll regexReplaceAllLiteral
mustRegexReplaceAllLiteral regexSplit mustRegexSplit regexQuoteMeta urlParse urlJoin
`.trim().split(/\s+/);
// Go src/text/template/funcs.go builtins().
const goBuiltins = 'and call html index slice js len not or print printf println urlquery eq ge gt le lt ne'.split(' ');
// utils.go init(): delete(sprigFuncMap, …) ×3, sprigFuncMap[…] = … ×5; template_functions.go: tpl.
const deleted = ['env', 'expandenv', 'getHostByName'];
const added = ['normalize', 'slugify', 'toYaml', 'fromYaml', 'fromYamlArray', 'tpl'];

test('the defined function names are exactly upstream Sprig v3.3.0 + Go builtins − Argo CD deletions + Argo CD additions', () => {
  assert.equal(upstreamGenericMap.length, 211, 'genericMap has 211 keys in v3.3.0');
  const expected = new Set([...goBuiltins, ...upstreamGenericMap.filter((n) => !deleted.includes(n)), ...added]);
  assert.deepEqual([...definedFunctions].sort(), [...expected].sort());
  for (const n of deleted) assert.equal(definedFunctions.has(n), false, `${n} is deleted by Argo CD`);
});

test('every implemented function is one Argo CD defines', () => {
  for (const n of supportedFunctions) assert.ok(definedFunctions.has(n), n);
});

test('a defined but unimplemented function is a clear error at parse time, even in a branch that does not run', () => {
  const unimplemented = [...definedFunctions].filter((n) => !supportedFunctions.includes(n));
  assert.ok(unimplemented.length > 100);
  for (const name of unimplemented) {
    assert.throws(
      () => renderTemplate(`{{ if false }}{{ ${name} }}{{ end }}x`, { a: '1' }),
      (e: unknown) => e instanceof TemplateError && e.message.includes(`function ${name} is not supported by marquee's offline emulation`),
      name,
    );
  }
  // Deleted by Argo CD: undefined, as in Go's parser.
  assert.throws(() => renderTemplate('{{ env "HOME" }}', {}), /function "env" not defined/);
  assert.throws(() => renderTemplate('{{ getHostByName "example.com" }}', {}), /function "getHostByName" not defined/);
});
