// The addon built by `npm ci` (node-gyp, binding.gyp), or undefined when it was not built: files mode then does the
// same in JavaScript (scripts/lib/validate/files.ts crdFilesOf, statSync).
'use strict';
try {
  module.exports = require('./build/Release/files_scan.node');
} catch (err) {
  if (err && err.code !== 'MODULE_NOT_FOUND') throw err;
  module.exports = undefined;
}
