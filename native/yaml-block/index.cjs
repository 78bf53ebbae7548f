// The addon built by `npm ci` (node-gyp, binding.gyp), or undefined when it was not built: its callers then use the
// JavaScript reader (kube/yaml-native.ts).
'use strict';
try {
  module.exports = require('./build/Release/yaml_block.node');
} catch (err) {
  if (err && err.code !== 'MODULE_NOT_FOUND') throw err;
  module.exports = undefined;
}
