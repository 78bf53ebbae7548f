// imageReferenceError against distribution/reference's own test tables (normalize_test.go TestValidateReferenceName
// and TestValidateRemoteName: every name there that ParseNormalizedNamed must accept or refuse), plus tags and digests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageReferenceError } from '../../kube/index.ts';

const valid = [
  // TestValidateReferenceName validRepoNames
  'docker/docker', 'library/debian', 'debian', 'docker.io/docker/docker', 'docker.io/library/debian', 'docker.io/debian',
  'index.docker.io/docker/docker', 'index.docker.io/library/debian', 'index.docker.io/debian', '127.0.0.1:5000/docker/docker',
  '127.0.0.1:5000/library/debian', '127.0.0.1:5000/debian', '192.168.0.1', '192.168.0.1:80', '192.168.0.1:8/debian',
  '192.168.0.2:25000/debian', 'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev', '[fc00::1]:5000/docker',
  '[fc00::1]:5000/docker/docker', '[fc00:1:2:3:4:5:6:7]:5000/library/debian',
  'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a', 'Docker/docker', 'DOCKER/docker',
  // TestValidateRemoteName validRepositoryNames
  'docker-rules/docker', 'docker---rules/docker', 'doc/docker', 'd/docker', 'jess/t', 'dock__er/docker',
  // TestParseReferenceWithTagAndDigest, TestParseAnyReference
  'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa',
  'redis@sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c', 'dmcgowan/myapp:latest',
  // this repository's own kinds of reference
  'ghcr.io/marquee-shop/web:0.1.0', 'quay.io/argoproj/argo-rollouts:v1.9.1', 'rabbitmq:4.0.5-management', 'localhost/x:Tag_1.0',
];
const invalid = [
  // TestValidateReferenceName invalidRepoNames
  'https://github.com/docker/docker', 'docker/Docker', '-docker', '-docker/docker', '-docker.io/docker/docker', 'docker///docker',
  'docker.io/docker/Docker', 'docker.io/docker///docker', '[fc00::1]', '[fc00::1]:5000', 'fc00::1:5000/debian',
  '[fe80::1%eth0]:5000/debian', '[2001:db8:3:4::192.0.2.33]:5000/debian',
  '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
  // TestValidateRemoteName invalidRepositoryNames
  'docker-/docker', '-docker-/docker', '____/____', '_docker/_docker', 'dock..er/docker', 'dock_.er/docker', 'dock-.er/docker',
  'docker/',
  `${'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_'.repeat(4)}/docker`,
  // tags (regexp.go tag: [\w][\w.-]{0,127}) and digests (go-digest: a known algorithm, its length, lowercase hex)
  'ghcr.io/marquee-shop/web:v1.2 beta', 'ghcr.io/marquee-shop/web:-rc1', `ghcr.io/marquee-shop/web:${'a'.repeat(129)}`,
  'ghcr.io/marquee-shop/web@sha256:abc', `ghcr.io/marquee-shop/web@md5:${'a'.repeat(32)}`, `ghcr.io/marquee-shop/web@sha256:${'A'.repeat(64)}`,
  ' ghcr.io/marquee-shop/web:0.1.0',
];

test('references distribution/reference accepts are accepted', () => {
  for (const r of valid) assert.equal(imageReferenceError(r), undefined, r);
});

test('references distribution/reference refuses are refused, in its words', () => {
  for (const r of invalid) assert.notEqual(imageReferenceError(r), undefined, r);
  assert.equal(imageReferenceError('docker/Docker'), 'invalid reference format: repository name (docker/Docker) must be lowercase');
  assert.equal(imageReferenceError('ghcr.io/marquee-shop/web:v1.2 beta'), 'invalid reference format');
  assert.equal(imageReferenceError('1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a'), 'invalid repository name (1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a), cannot specify 64-byte hexadecimal strings');
  assert.equal(imageReferenceError('ghcr.io/marquee-shop/web@sha256:abcdef0123456789abcdef0123456789'), 'invalid checksum digest length');
  assert.equal(imageReferenceError(`x@sha1:${'a'.repeat(40)}`), 'unsupported digest algorithm');
  assert.equal(imageReferenceError(`${'a'.repeat(70)}/${'b'.repeat(190)}`), 'repository name must not be more than 255 characters');
});
