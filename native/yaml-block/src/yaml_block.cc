// The plain-block reader of kube/yaml-block.ts, in C++: the same texts taken (every other one left to the JavaScript
// readers, which word the errors), the same values, read from a file's UTF-8 bytes and written out as JSON text for
// JSON.parse. Each function below is the TypeScript method of the same name, step for step; where this reader is
// stricter (it takes no astral character, no number in exponent form, no integer of more than 15 digits), it leaves
// the text to the JavaScript readers rather than decide. Equality with them is tested on every YAML file of the
// repository, the real-manifests corpus and fuzzed texts (test/kube/yaml-block.test.ts).
//
// The JSON is ASCII (other characters as \u escapes), written into one buffer per thread that is kept from file to
// file, and parsed here by calling JSON.parse on an external Latin-1 string over that buffer: no copy of the text is
// made in V8's heap, where every string over about 128 KB takes fresh pages of its own. V8's JSON parser copies every
// string it makes (json-parser.cc MakeString: NewRawOneByteString, or an internalized copy), so no value refers to the
// buffer once JSON.parse returns, and the next file may overwrite it. Long strings are not in the JSON: made from their
// bytes, they take the places of their "" after JSON.parse (LongStrings).
//
// Asked to (read's third argument), it leaves out the descriptions of a CustomResourceDefinition's schema that no check
// reads (SchemaDocs): most of the bytes of a large CRD, whose objects and strings JSON.parse would otherwise make.
// Then a schema node written out twice in one file (a CRD embeds the same Kubernetes types again and again: about two
// thirds of the keys of the real-manifests corpus's CRD files are in such repeats) is made once: JSON.parse reads a 0 in the
// place of each repeat, which then takes the first node's object (SharedNodes). The values are only checked then,
// never changed (files-check.ts readText's onlyChecked, the CRD registry's schemas), so one object in two places reads
// as two equal ones.
#define NAPI_EXPERIMENTAL
#include <node_api.h>

#include <emmintrin.h>

#include <cstdint>
#include <exception>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

/** Thrown where yaml-block.ts throws notPlain: the text is the JavaScript readers'. */
struct NotPlain {};

constexpr uint8_t SPACE = 32;
constexpr uint8_t NEWLINE = 10;
constexpr uint8_t HASH = 35;
constexpr uint8_t COLON = 58;
constexpr uint8_t DASH = 45;
constexpr uint8_t DOT = 46;
/** yaml-block.ts MAX_NESTING */
constexpr int MAX_NESTING = 500;
/** Keys of a mapping compared one by one for a repeat before a hash set takes them. */
constexpr size_t LINEAR_KEYS = 32;

/** KEY_FIRST of yaml-block.ts (its KEY_CHARS is Reader::keyChars). */
struct KeyTables {
  uint8_t first[128] = {};
  KeyTables() {
    for (const char* c = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$/"; *c; c++) first[(uint8_t)*c] = 1;
    for (const char* c = "nNtTfF_"; *c; c++) first[(uint8_t)*c] = 2;
  }
};
const KeyTables keyTables;

/** Names Object.prototype has: `out[key] !== undefined` in yaml-block.ts mapping() leaves such a key to js-yaml. */
constexpr std::string_view PROTOTYPE_NAMES[] = {"constructor", "__defineGetter__", "__defineSetter__", "hasOwnProperty", "__lookupGetter__", "__lookupSetter__", "isPrototypeOf", "propertyIsEnumerable", "toString", "valueOf", "__proto__", "toLocaleString"};

/** Is `k` one of PROTOTYPE_NAMES? (Each starts with c, _, h, i, p, t or v and has 7 to 20 characters.) */
bool prototypeName(std::string_view k) {
  if (k.size() < 7 || k.size() > 20) return false;
  switch (k[0]) {
    case 'c':
    case '_':
    case 'h':
    case 'i':
    case 'p':
    case 't':
    case 'v':
      for (std::string_view name : PROTOTYPE_NAMES)
        if (k == name) return true;
  }
  return false;
}

/** The JSON text being written, in a buffer kept from one read to the next (one per thread). */
class Out {
 public:
  Out() = default;
  ~Out() { free(data_); }
  Out(const Out&) = delete;
  Out& operator=(const Out&) = delete;
  void clear() { len_ = 0; }
  void put(char c) {
    if (len_ == cap_) grow(1);
    data_[len_++] = c;
  }
  void put(const char* s, size_t n) {
    if (len_ + n > cap_) grow(n);
    memcpy(data_ + len_, s, n);
    len_ += n;
  }
  void put(std::string_view s) { put(s.data(), s.size()); }
  /** Where to write the next bytes, with room for `n` of them; written ones are kept by end(). */
  char* room(size_t n) {
    if (len_ + n > cap_) grow(n);
    return data_ + len_;
  }
  /** Keeps what was written at room() up to `e`. */
  void end(char* e) { len_ = static_cast<size_t>(e - data_); }
  char* data() const { return data_; }
  size_t size() const { return len_; }

 private:
  void grow(size_t n) {
    size_t want = cap_ < 4096 ? 4096 : cap_ * 2;
    while (want < len_ + n) want *= 2;
    char* d = static_cast<char*>(realloc(data_, want));
    if (!d) throw std::bad_alloc();
    data_ = d;
    cap_ = want;
  }
  size_t len_ = 0;
  size_t cap_ = 0;
  char* data_ = nullptr;
};

/** A step from a document down to a value: a mapping's key (`key` set; in the text, so valid while read() runs) or a list's index. */
struct Step {
  const char* key;
  uint32_t length;
  uint32_t index;
};

/**
 * The strings of LONG_STRING bytes or more, made apart from the JSON (which holds "" in their place) and put in place
 * after JSON.parse: JSON.parse reads a string character by character, and decodes one with escapes (the newlines of a
 * literal block, the quotes of an embedded JSON file) character by character again; a string made from its bytes is
 * copied whole. Only long ones, as each is put in place by a walk from its document.
 */
struct LongStrings {
  struct Entry {
    size_t at, length;
    bool ascii;
    uint32_t doc;
    size_t stepsFrom, steps;
  };
  std::string bytes;
  std::vector<Entry> entries;
  std::vector<Step> steps;
  void clear() {
    bytes.clear();
    entries.clear();
    steps.clear();
  }
};
constexpr size_t LONG_STRING = 4096;

/**
 * The schema nodes of a CRD of SHARED_BYTES of JSON or more (Reader::inSchemaNode), and after the reading which of
 * them repeat one before them (the same JSON text): JSON.parse reads a 0 in a repeat's place, and the first node's
 * object is put there. A node holding a long string is not one of them (its string is put in place by a walk).
 */
struct SharedNodes {
  struct Node {
    size_t from, to;
    uint32_t doc;
    size_t stepsFrom, steps;
  };
  std::vector<Node> nodes;
  std::vector<Step> steps;
  /** (a repeat, the node it repeats), indexes in nodes, in the order of the text */
  std::vector<std::pair<uint32_t, uint32_t>> repeats;
  /** scratch of shareRepeats(): the nodes in the order of the text, and the distinct ones by a hash of their ends */
  std::vector<uint32_t> order;
  std::unordered_multimap<uint64_t, uint32_t> distinct;
  void clear() {
    nodes.clear();
    steps.clear();
    repeats.clear();
  }
};
/** A shared node is worth its walk from its document (SharedNodes) at this many bytes of JSON (~10 keys or more). */
constexpr size_t SHARED_BYTES = 256;
/**
 * Bounds on SharedNodes' work, whatever the file: the steps kept for the nodes' paths (past them no node is recorded,
 * only less is shared), and the nodes of one hash of their ends (SharedNodes::distinct) a node is compared with, and
 * kept: a file of many nodes of one length alike at their ends would otherwise be compared each with every other.
 */
constexpr size_t SHARED_STEPS = size_t{1} << 20;
constexpr int SHARED_TRIES = 2;

/** The offset of the first of the 16 bytes at `p` whose bit is set in `mask` (a _mm_movemask_epi8 result). */
inline unsigned firstBit(unsigned mask) { return static_cast<unsigned>(__builtin_ctz(mask)); }

/**
 * The 16 bytes at `p`, those from `end` on read as zeros: blocks may run past a line (or a string) into the rest of
 * the text, never past its last byte. (Their bits past the line are masked off with firstBytes.)
 */
inline __m128i load16(const uint8_t* p, const uint8_t* end) {
  if (end - p >= 16) return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  alignas(16) uint8_t tail[16] = {};
  memcpy(tail, p, static_cast<size_t>(end - p));
  return _mm_load_si128(reinterpret_cast<const __m128i*>(tail));
}

/** The mask bits of a block's first `n` bytes (all 16 when `n` is 16 or more). */
inline unsigned firstBytes(size_t n) { return n >= 16 ? 0xFFFFu : (1u << n) - 1; }

/** The bytes of `v` equal to `c`, as mask bits. */
inline unsigned bytesEqual(__m128i v, uint8_t c) { return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(c))))); }

const char HEX[] = "0123456789abcdef";

void putEscapedUnit(Out& o, uint32_t unit) {
  char buf[6] = {'\\', 'u', HEX[(unit >> 12) & 15], HEX[(unit >> 8) & 15], HEX[(unit >> 4) & 15], HEX[unit & 15]};
  o.put(buf, 6);
}

/** The character of two or three UTF-8 bytes at `s` (checked valid before reading) as a \u escape; its length. */
size_t putEscapedChar(Out& o, const uint8_t* s) {
  if (s[0] < 0xE0) {
    putEscapedUnit(o, ((s[0] & 0x1F) << 6) | (s[1] & 0x3F));
    return 2;
  }
  putEscapedUnit(o, ((s[0] & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F));
  return 3;
}

/**
 * `s` as a JSON string. The bytes are valid UTF-8 of characters below U+10000 (checked before reading); other than
 * the newline, no control character is in them. Those up to `limit` may be read (blocks of 16 run past the string).
 */
void putString(Out& o, const uint8_t* s, size_t n, const uint8_t* limit) {
  // each block of sixteen is copied whole before it is looked at: up to the first byte that needs an escape (a quote,
  // a backslash, a newline, a non-ASCII byte) the copy stands, the rest is written again after the escape
  char* d = o.room(n + 18);
  *d++ = '"';
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), newline = _mm_set1_epi8(NEWLINE);
  for (size_t i = 0; i < n;) {
    __m128i v = load16(s + i, limit);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d), v);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), _mm_cmpeq_epi8(v, newline));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit) | _mm_movemask_epi8(v)) & firstBytes(n - i);
    if (!mask) {
      size_t k = n - i < 16 ? n - i : 16;
      d += k;
      i += k;
      continue;
    }
    size_t k = firstBit(mask);
    d += k;
    i += k;
    o.end(d);
    uint8_t b = s[i];
    if (b == '"') {
      o.put("\\\"", 2);
      i++;
    } else if (b == '\\') {
      o.put("\\\\", 2);
      i++;
    } else if (b == NEWLINE) {
      o.put("\\n", 2);
      i++;
    } else {
      i += putEscapedChar(o, s + i);
    }
    d = o.room(n - i + 17);
  }
  *d++ = '"';
  o.end(d);
}

/** Characters of UNUSUAL (yaml-block.ts) as code points: C0 controls but the newline (and the tab, refused apart), DEL, C1 controls, surrogates, U+FFFE, U+FFFF. */
bool unusual(uint32_t c) {
  return (c < 0x20 && c != NEWLINE) || (c >= 0x7F && c <= 0x9F) || (c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFE || c == 0xFFFF;
}

/**
 * Does the text hold what readPieces refuses before reading — a tab, a character of UNUSUAL — or what this reader
 * leaves to them: bytes that are not UTF-8 (Node decodes them to U+FFFD), a character past U+FFFF (two UTF-16 units,
 * surrogates to UNUSUAL)?
 */
bool refused(const uint8_t* t, size_t n) {
  const __m128i space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7F), newline = _mm_set1_epi8(NEWLINE);
  // the bytes of a block that are neither printable ASCII nor a newline (a signed compare puts bytes from 0x80 below
  // the space too)
  auto odd = [&](size_t at) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t + at));
    return _mm_or_si128(_mm_andnot_si128(_mm_cmpeq_epi8(v, newline), _mm_cmplt_epi8(v, space)), _mm_cmpeq_epi8(v, del));
  };
  for (size_t i = 0; i < n;) {
    // sixty-four bytes at a time while none is odd, then sixteen
    if (i + 64 <= n && !_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(odd(i), odd(i + 16)), _mm_or_si128(odd(i + 32), odd(i + 48))))) {
      i += 64;
      continue;
    }
    if (i + 16 <= n) {
      unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(odd(i)));
      if (!mask) {
        i += 16;
        continue;
      }
      i += firstBit(mask);
    }
    uint8_t b = t[i];
    if (b >= 0x20 && b < 0x7F) {
      i++;
      continue;
    }
    if (b == NEWLINE) {
      i++;
      continue;
    }
    if (b < 0x80) return true;
    uint32_t c;
    if ((b & 0xE0) == 0xC0) {
      if (i + 1 >= n || (t[i + 1] & 0xC0) != 0x80) return true;
      c = ((b & 0x1F) << 6) | (t[i + 1] & 0x3F);
      if (c < 0x80) return true;
      i += 2;
    } else if ((b & 0xF0) == 0xE0) {
      if (i + 2 >= n || (t[i + 1] & 0xC0) != 0x80 || (t[i + 2] & 0xC0) != 0x80) return true;
      c = ((b & 0x0F) << 12) | ((t[i + 1] & 0x3F) << 6) | (t[i + 2] & 0x3F);
      if (c < 0x800) return true;
      i += 3;
    } else {
      return true;
    }
    if (unusual(c)) return true;
  }
  return false;
}

class Reader {
 public:
  /**
   * `keysAt`: MAX_NESTING + 2 lists, `pathAt`: MAX_NESTING + 2 steps, one of each per nesting level; they and `longs`
   * are kept by the caller from read to read.
   */
  Reader(const uint8_t* t, size_t n, int maxDepth, const std::vector<std::string>& watch, Out& o, std::vector<std::vector<std::string_view>>& keysAt, std::vector<Step>& pathAt, LongStrings& longs, bool leaveOutSchemaDocs, SharedNodes& shared)
      : keysAt_(keysAt), pathAt_(pathAt), longs_(longs), shared_(shared), leaveOutSchemaDocs_(leaveOutSchemaDocs), t_(t), n_(n), limit_(maxDepth - 2 < MAX_NESTING ? maxDepth - 2 : MAX_NESTING), watch_(watch), o_(o) {
    for (const auto& w : watch) watchLength_ = w.size() > watchLength_ ? w.size() : watchLength_;
  }

  /** readPieces after its checks: every document, as a JSON array. */
  void documents() {
    ls_ = 0;
    skipBlank();
    if (ls_ >= n_) {
      // js-yaml: an empty text has no document; one of comments only has one, empty (every line here is blank or a comment)
      o_.put(memchr(t_, HASH, n_) ? "[null]" : "[]");
      return;
    }
    o_.put('[');
    bool any = false;
    for (;;) {
      if (isMarker(DASH)) {
        afterMarker();
        nextLine();
        skipBlank();
      } else if (any) {
        throw NotPlain();
      }
      if (any) {
        o_.put(',');
        doc_++;
      }
      any = true;
      crdKind_ = crdApiVersion_ = false;
      if (ls_ >= n_ || isMarker(DASH)) {
        o_.put("null", 4);
      } else {
        uint8_t c = t_[cs_];
        if (cs_ != ls_ || isMarker(DOT) || c == '%') throw NotPlain();
        if (isItem(cs_)) {
          sequence(cs_, 0);
        } else {
          long colon = keyEnd(cs_);
          if (colon < 0) throw NotPlain();
          mapping(cs_, 0, colon);
        }
      }
      if (ls_ >= n_) break;
      if (!isMarker(DASH)) throw NotPlain();
    }
    o_.put(']');
  }

  /** The watched words met as plain scalar values, one bit each in the order given. */
  uint32_t noted = 0;

 private:
  uint8_t at(size_t i) const { return i < n_ ? t_[i] : 0; }

  bool isMarker(uint8_t ch) const {
    size_t i = ls_;
    if (at(i) != ch || at(i + 1) != ch || at(i + 2) != ch) return false;
    return i + 3 >= n_ || t_[i + 3] == NEWLINE || t_[i + 3] == SPACE;
  }

  void afterMarker() const {
    size_t i = ls_ + 3;
    while (i < le_ && t_[i] == SPACE) i++;
    if (i < le_ && !(t_[i] == HASH && t_[i - 1] == SPACE)) throw NotPlain();
  }

  void line() {
    // a line is often looked at twice (a scalar looks past its last line for more, then skipBlank starts there)
    if (ls_ == lineAt_) return;
    lineAt_ = ls_;
    // the indentation, then the line's end, sixteen bytes at a time (manifests nest deeply: a CRD's lines are 40 %
    // indentation); the newline ends the indentation too, so a blank line's cs_ is its le_, and no newline stands in a
    // block before cs_
    const uint8_t* end = t_ + n_;
    size_t i = ls_;
    __m128i v;
    unsigned other;
    for (;; i += 16) {
      if (i >= n_) {
        cs_ = le_ = n_;
        return;
      }
      v = load16(t_ + i, end);
      other = ~bytesEqual(v, SPACE) & firstBytes(n_ - i);
      if (other) break;
    }
    cs_ = i + firstBit(other);
    // (the zeros load16 reads past the text are no newline)
    for (unsigned breaks = bytesEqual(v, NEWLINE); !breaks; breaks = bytesEqual(v, NEWLINE)) {
      i += 16;
      if (i >= n_) {
        le_ = n_;
        return;
      }
      v = load16(t_ + i, end);
    }
    le_ = i + firstBit(bytesEqual(v, NEWLINE));
  }

  void nextLine() {
    ls_ = le_ + 1;
    if (ls_ > n_) ls_ = n_;
  }

  void skipBlank() {
    while (ls_ < n_) {
      line();
      if (cs_ < le_ && t_[cs_] != HASH) return;
      nextLine();
    }
    le_ = cs_ = n_;
  }

  /** cs - ls: the current line's indentation. */
  long column() const { return static_cast<long>(cs_) - static_cast<long>(ls_); }

  void nodeAt(size_t p, long col, long parent) {
    if (isItem(p)) return sequence(p, col);
    long colon = keyEnd(p);
    if (colon >= 0) return mapping(p, col, colon);
    scalar(p, parent);
  }

  bool isItem(size_t p) const { return p < n_ && t_[p] == DASH && (p + 1 == le_ || at(p + 1) == SPACE); }

  void enter() {
    if (++depth_ >= limit_) throw NotPlain();
  }

  long keyEnd(size_t p) {
    const size_t e = le_;
    uint8_t c = t_[p];
    if (c == 34 || c == 39 || c == 91 || c == 123 || c == 63 || c == 38 || c == 42 || c == 33 || c == 124 || c == 62) {
      for (size_t i = p; i < e; i++)
        if (t_[i] == COLON && (i + 1 == e || t_[i + 1] == SPACE)) throw NotPlain();
      return -1;
    }
    // sixteen bytes at a time: the colons and hashes, each looked at in turn as the byte loop of yaml-block.ts does,
    // and the first byte not of KEY_CHARS (the key is simple when that is its colon or past it)
    const uint8_t* end = t_ + n_;
    size_t odd = e;
    for (size_t i = p; i < e; i += 16) {
      __m128i v = load16(t_ + i, end);
      unsigned inLine = firstBytes(e - i);
      if (odd == e) {
        unsigned notKey = ~keyChars(v) & inLine;
        if (notKey) odd = i + firstBit(notKey);
      }
      for (unsigned stops = (bytesEqual(v, COLON) | bytesEqual(v, HASH)) & inLine; stops; stops &= stops - 1) {
        size_t j = i + firstBit(stops);
        if (t_[j] == COLON) {
          if (j + 1 == e || t_[j + 1] == SPACE) {
            keySimple_ = odd >= j;
            return static_cast<long>(j);
          }
        } else if (j > p && t_[j - 1] == SPACE) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** The bytes of `v` in KEY_CHARS (A-Z a-z 0-9 _ . $ / @ -), as mask bits; signed compares leave out bytes from 0x80. */
  static unsigned keyChars(__m128i v) {
    const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
    // '-', '.', '/' and the digits are one run, 0x2D to 0x39
    const __m128i digitOrPunct = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('-' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    const __m128i other = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')), _mm_cmpeq_epi8(v, _mm_set1_epi8('$'))), _mm_cmpeq_epi8(v, _mm_set1_epi8('@')));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, digitOrPunct), other)));
  }

  /** A key js-yaml resolves to null or a boolean (mayBeWord, then resolvedType). */
  static bool isWordKey(std::string_view k) { return resolvesToWord(k) != 0; }

  /** null, true, false in js-yaml's spellings: 1, 2, 3; 0 otherwise. */
  static int resolvesToWord(std::string_view s) {
    if (s == "null" || s == "Null" || s == "NULL") return 1;
    if (s == "true" || s == "True" || s == "TRUE") return 2;
    if (s == "false" || s == "False" || s == "FALSE") return 3;
    return 0;
  }

  std::string_view key(size_t p, size_t end) {
    uint8_t c = t_[p];
    if (!keySimple_ || c >= 128 || keyTables.first[c] == 0) throw NotPlain();
    std::string_view k(reinterpret_cast<const char*>(t_ + p), end - p);
    if (keyTables.first[c] == 2 && (k == "__proto__" || isWordKey(k))) throw NotPlain();
    if (prototypeName(k)) throw NotPlain();
    return k;
  }

  /** Keys of the mappings being read, one list per nesting level (never resized while an outer mapping holds its own). */
  std::vector<std::vector<std::string_view>>& keysAt_;
  /** The key or index each nesting level is at (pathAt_[1] to pathAt_[depth_]: the path of the value being read). */
  std::vector<Step>& pathAt_;
  LongStrings& longs_;
  /** The schema nodes that may repeat (with leaveOutSchemaDocs_ only). */
  SharedNodes& shared_;
  /** The document being read (its index). */
  uint32_t doc_ = 0;
  /** Leave out the descriptions SchemaDocs says no check reads. */
  const bool leaveOutSchemaDocs_;
  /** The document's `kind: CustomResourceDefinition` and `apiVersion: apiextensions.k8s.io/…`, when read so far. */
  bool crdKind_ = false, crdApiVersion_ = false;

  /**
   * Is the JSON string written from `at` a watched word (quoted or not: the JSON does not tell)? kubectl reads such a
   * word unquoted as YAML 1.1 does (a boolean), which the checks then judge (files-check.ts asKubectlReads): kept.
   */
  bool watchedWord(size_t at) const {
    std::string_view value(o_.data() + at, o_.size() - at);
    if (value.size() < 3) return false;
    value = value.substr(1, value.size() - 2);
    for (const auto& w : watch_)
      if (value == w) return true;
    return false;
  }

  /**
   * SchemaDocs: is the mapping being read (at depth_) a node of a CustomResourceDefinition's
   * spec.versions[i].schema.openAPIV3Schema reached from there through properties.<name>, items and
   * additionalProperties alone, and through no property named metadata? Its description, a string, is read by no
   * check: the API server's rules read a description only for its type (a string here), under
   * allOf/anyOf/oneOf/not (must be empty) and in the root's metadata (may hold nothing but name and generateName), and a
   * default, an example or an enum is data, whose fields all count. Only a document whose kind and apiVersion come
   * before its spec is known to be a CRD here: another keeps its descriptions, which is never wrong.
   */
  bool inSchemaNode() const {
    if (!crdKind_ || !crdApiVersion_ || depth_ < 6) return false;
    auto is = [this](int i, std::string_view name) { return pathAt_[i].key && std::string_view(pathAt_[i].key, pathAt_[i].length) == name; };
    if (!is(1, "spec") || !is(2, "versions") || pathAt_[3].key || !is(4, "schema") || !is(5, "openAPIV3Schema")) return false;
    bool name = false;
    for (int i = 6; i < depth_; i++) {
      if (!pathAt_[i].key) return false;
      std::string_view k(pathAt_[i].key, pathAt_[i].length);
      if (name) {
        if (k == "metadata") return false;
        name = false;
      } else if (k == "properties") {
        name = true;
      } else if (k != "items" && k != "additionalProperties") {
        return false;
      }
    }
    return !name;
  }

  /** `s` as a JSON string (putString), or LongStrings' "" when long. */
  void putText(const uint8_t* s, size_t n, const uint8_t* limit) {
    if (n < LONG_STRING) return putString(o_, s, n, limit);
    o_.put("\"\"", 2);
    // (the bytes are valid UTF-8, checked before reading)
    bool ascii = true;
    for (size_t i = 0; i < n && ascii; i += 16) ascii = !_mm_movemask_epi8(load16(s + i, s + n));
    longs_.entries.push_back({longs_.bytes.size(), n, ascii, doc_, longs_.steps.size(), static_cast<size_t>(depth_)});
    longs_.bytes.append(reinterpret_cast<const char*>(s), n);
    longs_.steps.insert(longs_.steps.end(), pathAt_.begin() + 1, pathAt_.begin() + 1 + depth_);
  }

  void mapping(size_t p, long col, long colon) {
    enter();
    const size_t from = o_.size(), longsFrom = longs_.entries.size();
    std::vector<std::string_view>& keys = keysAt_[depth_];
    keys.clear();
    // (made only for a mapping of many keys: most have few, and an empty set still costs its making and unmaking)
    std::optional<std::unordered_set<std::string_view>> many;
    /** keys written (a left-out description is not) */
    size_t written = 0;
    o_.put('{');
    for (;;) {
      std::string_view k = key(p, static_cast<size_t>(colon));
      pathAt_[depth_] = {k.data(), static_cast<uint32_t>(k.size()), 0};
      // a key given twice: js-yaml's (looked for key by key up to LINEAR_KEYS keys, then in a hash set, which costs an
      // allocation per key)
      if (keys.size() < LINEAR_KEYS) {
        for (const auto& seen : keys)
          if (seen == k) throw NotPlain();
        keys.push_back(k);
        if (keys.size() == LINEAR_KEYS) many.emplace(keys.begin(), keys.end());
      } else if (!many->insert(k).second) {
        throw NotPlain();
      }
      // ,"key": at once, the key copied in blocks of sixteen as putString does (a simple key needs no escape)
      const size_t keyAt = o_.size();
      char* d = o_.room(k.size() + 20);
      if (written) *d++ = ',';
      *d++ = '"';
      for (size_t i = 0; i < k.size(); i += 16) _mm_storeu_si128(reinterpret_cast<__m128i*>(d + i), load16(t_ + p + i, t_ + n_));
      d += k.size();
      *d++ = '"';
      *d++ = ':';
      o_.end(d);
      const size_t valueAt = o_.size();
      const size_t longsBefore = longs_.entries.size(), longBytesBefore = longs_.bytes.size(), longStepsBefore = longs_.steps.size();
      size_t v = static_cast<size_t>(colon) + 1;
      while (v < le_ && t_[v] == SPACE) v++;
      if (v >= le_ || t_[v] == HASH) {
        nextLine();
        skipBlank();
        long here = column();
        if (ls_ < n_ && here == col && isItem(cs_))
          sequence(cs_, col);
        else if (ls_ < n_ && here > col)
          nodeAt(cs_, here, col);
        else
          o_.put("null", 4);
      } else {
        scalar(v, col);
      }
      if (depth_ == 1) {
        std::string_view value(o_.data() + valueAt, o_.size() - valueAt);
        if (k == "kind") crdKind_ = value == "\"CustomResourceDefinition\"";
        else if (k == "apiVersion") crdApiVersion_ = value.substr(0, 22) == "\"apiextensions.k8s.io/";
      }
      if (leaveOutSchemaDocs_ && k == "description" && o_.size() > valueAt && o_.data()[valueAt] == '"' && !watchedWord(valueAt) && inSchemaNode()) {
        // the key and its string go: the JSON and the long strings as they were before the key
        o_.end(o_.data() + keyAt);
        longs_.entries.resize(longsBefore);
        longs_.bytes.resize(longBytesBefore);
        longs_.steps.resize(longStepsBefore);
      } else {
        written++;
      }
      if (ls_ >= n_ || isMarker(DASH) || isMarker(DOT)) break;
      long here = column();
      if (here < col) break;
      if (here > col) throw NotPlain();
      p = cs_;
      if (isItem(p)) break;
      colon = keyEnd(p);
      if (colon < 0) throw NotPlain();
    }
    o_.put('}');
    if (leaveOutSchemaDocs_ && o_.size() - from >= SHARED_BYTES && longs_.entries.size() == longsFrom && shared_.steps.size() + depth_ <= SHARED_STEPS && inSchemaNode()) {
      shared_.nodes.push_back({from, o_.size(), doc_, shared_.steps.size(), static_cast<size_t>(depth_ - 1)});
      shared_.steps.insert(shared_.steps.end(), pathAt_.begin() + 1, pathAt_.begin() + depth_);
    }
    depth_--;
  }

  void sequence(size_t p, long col) {
    enter();
    o_.put('[');
    uint32_t index = 0;
    for (;; index++) {
      if (index) o_.put(',');
      pathAt_[depth_] = {nullptr, 0, index};
      size_t v = p + 1;
      while (v < le_ && t_[v] == SPACE) v++;
      if (v >= le_ || t_[v] == HASH) {
        nextLine();
        skipBlank();
        long here = column();
        if (ls_ < n_ && here > col) {
          nodeAt(cs_, here, col);
        } else {
          if (here < col && isItem(cs_)) throw NotPlain();
          o_.put("null", 4);
        }
      } else {
        nodeAt(v, static_cast<long>(v - ls_), col);
      }
      if (ls_ >= n_ || isMarker(DASH) || isMarker(DOT)) break;
      long here = column();
      if (here < col) break;
      if (here > col) throw NotPlain();
      p = cs_;
      if (!isItem(p)) break;
    }
    o_.put(']');
    depth_--;
  }

  /** Scratch text of a scalar over several lines. */
  std::string scratch_;

  void scalar(size_t p, long parent) {
    uint8_t c = t_[p];
    if (c == 124) return literal(p, parent);
    if (c == 34 || c == 39) return quoted(p, c, parent);
    if (c == 91 || c == 123) {
      if (at(p + 1) != (c == 91 ? 93 : 125)) throw NotPlain();
      endOfValue(p + 2);
      o_.put(c == 91 ? "[]" : "{}", 2);
      return;
    }
    if (c == 62 || c == 38 || c == 42 || c == 33 || c == 37 || c == 64 || c == 96 || c == 44 || c == 93 || c == 125 || c == 35) throw NotPlain();
    if ((c == DASH || c == 63 || c == COLON) && (p + 1 >= le_ || t_[p + 1] == SPACE)) throw NotPlain();
    size_t end = plainEnd(p);
    const size_t start = p;
    bool multi = false;
    bool commented = commentAt_ >= 0;
    size_t breaks = 0;
    for (;;) {
      nextLine();
      if (ls_ >= n_) break;
      line();
      if (cs_ >= le_) {
        breaks++;
        continue;
      }
      uint8_t ch = t_[cs_];
      if (ch == HASH || column() <= parent || isMarker(DASH) || isMarker(DOT)) break;
      if (commented) throw NotPlain();
      size_t e2 = plainEnd(cs_);
      commented = commentAt_ >= 0;
      if (!multi) {
        scratch_.assign(reinterpret_cast<const char*>(t_ + start), end - start);
        multi = true;
      }
      if (breaks)
        scratch_.append(breaks, '\n');
      else
        scratch_.push_back(' ');
      scratch_.append(reinterpret_cast<const char*>(t_ + cs_), e2 - cs_);
      breaks = 0;
    }
    skipBlank();
    std::string_view text = multi ? std::string_view(scratch_) : std::string_view(reinterpret_cast<const char*>(t_ + start), end - start);
    if (text.size() <= watchLength_)
      for (size_t w = 0; w < watch_.size(); w++)
        if (text == watch_[w]) noted |= 1u << w;
    // a scalar of one line is read from the text, whose blocks may run on to its end
    resolve(text, c, multi ? reinterpret_cast<const uint8_t*>(scratch_.data() + scratch_.size()) : t_ + n_);
  }

  /** Where plainEnd found a comment (-1: none). */
  long commentAt_ = -1;

  size_t plainEnd(size_t p) {
    const size_t e = le_;
    size_t end = e;
    commentAt_ = -1;
    // sixteen bytes at a time to the colons and hashes, each looked at in turn
    for (size_t i = p; i < e && commentAt_ < 0; i += 16) {
      __m128i v = load16(t_ + i, t_ + n_);
      for (unsigned stops = (bytesEqual(v, COLON) | bytesEqual(v, HASH)) & firstBytes(e - i); stops; stops &= stops - 1) {
        size_t j = i + firstBit(stops);
        if (t_[j] == COLON) {
          if (j + 1 == e || t_[j + 1] == SPACE) throw NotPlain();
        } else if (j > 0 && t_[j - 1] == SPACE) {
          end = j;
          commentAt_ = static_cast<long>(j);
          break;
        }
      }
    }
    while (end > p && t_[end - 1] == SPACE) end--;
    return end;
  }

  void endOfValue(size_t i) {
    while (i < le_ && t_[i] == SPACE) i++;
    if (i < le_ && !(t_[i] == HASH && t_[i - 1] == SPACE)) throw NotPlain();
    nextLine();
    skipBlank();
  }

  void quoted(size_t p, uint8_t q, long parent) {
    const bool single = q == 39;
    std::string& value = scratch_;
    value.clear();
    size_t from = p + 1;
    size_t i = from;
    int lines = 1;
    long close = -1;
    for (;;) {
      if (close < static_cast<long>(i)) {
        const void* f = i < n_ ? memchr(t_ + i, q, n_ - i) : nullptr;
        // no closing quote in the rest of the text: js-yaml's error
        if (!f) throw NotPlain();
        close = static_cast<const uint8_t*>(f) - t_;
      }
      size_t cl = static_cast<size_t>(close);
      if (cl < le_) {
        if (single) {
          if (at(cl + 1) == 39) {
            value.append(reinterpret_cast<const char*>(t_ + from), cl + 1 - from);
            i = from = cl + 2;
            continue;
          }
        } else {
          size_t slashes = 0;
          for (size_t j = cl; j > from && t_[j - 1] == 92; j--) slashes++;
          if (slashes % 2 == 1) {
            i = cl + 1;
            continue;
          }
        }
        value.append(reinterpret_cast<const char*>(t_ + from), cl - from);
        i = cl + 1;
        break;
      }
      // the line ends inside the quotes: its trailing spaces go, then the break and any empty lines are folded
      size_t end = le_;
      while (end > from && t_[end - 1] == SPACE) end--;
      value.append(reinterpret_cast<const char*>(t_ + from), end - from);
      size_t breaks = 1;
      for (;;) {
        nextLine();
        if (ls_ >= n_) throw NotPlain();
        line();
        if (cs_ < le_) break;
        breaks++;
      }
      if (column() <= parent) throw NotPlain();
      if (breaks == 1)
        value.push_back(' ');
      else
        value.append(breaks - 1, '\n');
      i = from = cs_;
      lines++;
    }
    if (!single && value.find('\\') != std::string::npos) {
      if (lines > 1) throw NotPlain();
      putEscaped(value);
    } else {
      putText(reinterpret_cast<const uint8_t*>(value.data()), value.size(), reinterpret_cast<const uint8_t*>(value.data()) + value.size());
    }
    endOfValue(i);
  }

  static bool isHex(uint8_t c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

  /**
   * A double-quoted scalar's text with backslashes, on one line: yaml-block.ts takes it when every backslash (escaped
   * ones too, as its regular expression reads them) starts one of JSON's escapes, and the value JSON.parse decodes
   * holds no character of UNUSUAL. The escapes are JSON's, so they are copied as they are.
   */
  void putEscaped(const std::string& v) {
    const uint8_t* s = reinterpret_cast<const uint8_t*>(v.data());
    const size_t n = v.size();
    // /\\[^"\\/bfnrtu]|\\u(?![0-9A-Fa-f]{4})/ at every backslash
    for (size_t i = 0; i < n; i++) {
      if (s[i] != '\\') continue;
      if (i + 1 >= n) continue;
      uint8_t e = s[i + 1];
      if (!(e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't' || e == 'u')) throw NotPlain();
      if (e == 'u' && !(i + 5 < n + 0 && isHex(s[i + 2]) && isHex(s[i + 3]) && isHex(s[i + 4]) && isHex(s[i + 5]))) throw NotPlain();
    }
    // JSON.parse's decoding, escape by escape: what it gives must hold no character of UNUSUAL
    o_.put('"');
    size_t run = 0;
    for (size_t i = 0; i < n;) {
      uint8_t b = s[i];
      if (b == '\\') {
        uint8_t e = s[i + 1];
        if (e == 'b' || e == 'f' || e == 'r') throw NotPlain();
        if (e == 'u') {
          uint32_t unit = 0;
          for (size_t k = 2; k < 6; k++) {
            uint8_t h = s[i + k];
            unit = unit * 16 + (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
          }
          if (unusual(unit)) throw NotPlain();
          i += 6;
        } else {
          i += 2;
        }
        continue;
      }
      if (b < 0x80) {
        if (b == NEWLINE) throw NotPlain();  // one line only (never reached: lines > 1 is refused above)
        i++;
        continue;
      }
      o_.put(reinterpret_cast<const char*>(s + run), i - run);
      i += putEscapedChar(o_, s + i);
      run = i;
    }
    o_.put(reinterpret_cast<const char*>(s + run), n - run);
    o_.put('"');
  }

  void literal(size_t p, long parent) {
    size_t i = p + 1;
    int chomp = 0;
    uint8_t h = at(i);
    if (h == DASH) {
      chomp = -1;
      i++;
    } else if (h == 43) {
      chomp = 1;
      i++;
    }
    while (i < le_ && t_[i] == SPACE) i++;
    if (i < le_ && !(t_[i] == HASH && t_[i - 1] == SPACE)) throw NotPlain();
    std::string& value = scratch_;
    value.clear();
    bool started = false;
    long indent = -1;
    long leading = 0;
    size_t trailing = 0;
    auto pending = [&]() {
      for (; trailing > 0; trailing--) {
        if (started) value.push_back('\n');
        started = true;
      }
    };
    auto content = [&]() {
      if (started) value.push_back('\n');
      started = true;
      value.append(reinterpret_cast<const char*>(t_ + ls_ + indent), le_ - ls_ - indent);
    };
    nextLine();
    while (ls_ < n_) {
      line();
      long spaces = column();
      if (cs_ >= le_) {
        if (indent < 0) {
          if (spaces > leading) leading = spaces;
          trailing++;
        } else if (spaces > indent) {
          pending();
          content();
        } else {
          trailing++;
        }
        nextLine();
        continue;
      }
      if (indent < 0) {
        if (spaces <= parent) break;
        if (leading > spaces) throw NotPlain();
        indent = spaces;
      } else if (spaces < indent) {
        break;
      }
      if (spaces == 0 && (isMarker(DASH) || isMarker(DOT))) break;
      pending();
      content();
      nextLine();
    }
    if (indent < 0) throw NotPlain();
    if (!started) throw NotPlain();
    if (chomp == 0)
      value.push_back('\n');
    else if (chomp == 1)
      value.append(trailing + 1, '\n');
    skipBlank();
    putText(reinterpret_cast<const uint8_t*>(value.data()), value.size(), reinterpret_cast<const uint8_t*>(value.data()) + value.size());
  }

  static bool isDigit(char c) { return c >= '0' && c <= '9'; }

  /**
   * resolve() of yaml-block.ts: js-yaml's implicit types of the core schema (null, bool, int, float, merge) on a plain
   * scalar; `s` may be read up to `limit` (putString).
   */
  void resolve(std::string_view s, uint8_t c, const uint8_t* limit) {
    const size_t len = s.size();
    const bool letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
    if (letter && (len == 4 || len == 5)) {
      switch (resolvesToWord(s)) {
        case 1:
          return o_.put("null", 4);
        case 2:
          return o_.put("true", 4);
        case 3:
          return o_.put("false", 5);
      }
    }
    if (letter) return putText(reinterpret_cast<const uint8_t*>(s.data()), len, limit);
    if (s == "~") return o_.put("null", 4);
    if (s == "<<") throw NotPlain();
    if (isDigit(c) || c == '+' || c == '-' || c == '.') {
      if (number(s)) return;
    }
    putText(reinterpret_cast<const uint8_t*>(s.data()), len, limit);
  }

  /**
   * A plain scalar the JavaScript readers read as a number (kube/yaml-schema.ts goNumber, go-yaml's reading; js-yaml's
   * float type for .inf and .nan): written as JSON, true. A string: false. Forms JSON cannot write as they are read
   * (base prefixes, a leading 0 of an octal, underscores, exponents, .inf, .nan, long digit strings) are left to the
   * JavaScript readers.
   */
  bool number(std::string_view s) {
    const size_t len = s.size();
    // go-yaml drops every underscore of a text that starts with a digit or a sign (`1_000` is 1000): a text with one
    // that may be a number without them is left to goNumber; one with any other character (`--log_dir=/x`) is a string
    if (s.find('_') != std::string_view::npos) {
      for (char ch : s)
        if (!(ch == '_' || isDigit(ch) || ch == '+' || ch == '-' || ch == '.' || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f') || (ch | 0x20) == 'o' || (ch | 0x20) == 'x'))
          return false;
      throw NotPlain();
    }
    size_t i = 0;
    bool negative = false;
    if (s[0] == '-' || s[0] == '+') {
      negative = s[0] == '-';
      i = 1;
    }
    // resolveYamlInteger
    bool integer = false;
    // strconv.ParseInt's base prefixes, either case
    const char prefix = i + 1 < len && s[i] == '0' ? static_cast<char>(s[i + 1] | 0x20) : 0;
    if (prefix == 'b' || prefix == 'x' || prefix == 'o') {
      bool digits = i + 2 < len;
      for (size_t k = i + 2; k < len; k++) {
        char ch = s[k];
        bool ok = prefix == 'b' ? (ch == '0' || ch == '1') : prefix == 'o' ? (ch >= '0' && ch <= '7') : (isDigit(ch) || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f'));
        if (!ok) digits = false;
      }
      if (digits) throw NotPlain();
      // not an integer; nor a float (the pattern takes no letter there but e, which b, o and x are not)
      return false;
    } else {
      integer = i < len;
      for (size_t k = i; k < len; k++)
        if (!isDigit(s[k])) integer = false;
    }
    if (integer) {
      // parseYamlInteger: "0" after the sign is 0 itself (no sign); other zeros keep it (-00 is -0)
      if (len - i == 1 && s[i] == '0') {
        o_.put('0');
        return true;
      }
      // a leading 0 before octal digits only: ParseInt reads an octal (`0644` is 420); with an 8 or a 9 it fails, and
      // ParseFloat reads the decimal digits, as below
      if (s[i] == '0') {
        bool octal = true;
        for (size_t k = i + 1; k < len; k++)
          if (s[k] > '7') octal = false;
        if (octal) throw NotPlain();
      }
      size_t first = i;
      while (first + 1 < len && s[first] == '0') first++;
      if (len - first > 15) throw NotPlain();
      if (negative) o_.put('-');
      o_.put(s.data() + first, len - first);
      return true;
    }
    // YAML_FLOAT_PATTERN: [-+]?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)? | \.[0-9]+([eE][-+]?[0-9]+)? | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)
    std::string_view rest = s.substr(i);
    if (rest == ".inf" || rest == ".Inf" || rest == ".INF") throw NotPlain();
    if (i == 0 && (s == ".nan" || s == ".NaN" || s == ".NAN")) throw NotPlain();
    size_t k = i;
    size_t intStart = k;
    while (k < len && isDigit(s[k])) k++;
    size_t intEnd = k;
    size_t fracStart = k, fracEnd = k;
    bool dot = false;
    if (k < len && s[k] == '.') {
      dot = true;
      k++;
      fracStart = k;
      while (k < len && isDigit(s[k])) k++;
      fracEnd = k;
    }
    bool exponent = false;
    if (k < len && (s[k] == 'e' || s[k] == 'E')) {
      size_t e = k + 1;
      if (e < len && (s[e] == '-' || s[e] == '+')) e++;
      size_t d = e;
      while (e < len && isDigit(s[e])) e++;
      if (e > d) {
        exponent = true;
        k = e;
      }
    }
    if (k != len) return false;
    const bool hasInt = intEnd > intStart;
    // the first form needs integer digits; the second (a leading dot) fraction digits (with a sign too: yamlStyleFloat)
    if (!hasInt && !(dot && fracEnd > fracStart)) return false;
    if (exponent || len > 40) throw NotPlain();
    // sign * parseFloat(...): the same double as JSON's reading of the same digits
    if (negative) o_.put('-');
    size_t first = intStart;
    while (first + 1 < intEnd && s[first] == '0') first++;
    if (hasInt)
      o_.put(s.data() + first, intEnd - first);
    else
      o_.put('0');
    if (fracEnd > fracStart) {
      o_.put('.');
      o_.put(s.data() + fracStart, fracEnd - fracStart);
    }
    return true;
  }

  const uint8_t* t_;
  const size_t n_;
  size_t ls_ = 0, le_ = 0, cs_ = 0;
  /** The line start le_ and cs_ were found for (the text does not change, nor do they). */
  size_t lineAt_ = SIZE_MAX;
  int depth_ = 0;
  const int limit_;
  bool keySimple_ = false;
  const std::vector<std::string>& watch_;
  size_t watchLength_ = 0;
  Out& o_;
};

/** Per thread (N-API environment): the watched words, what the last read noted, the JSON buffer, JSON.parse. */
struct State {
  std::vector<std::string> words;
  uint32_t noted = 0;
  Out out;
  std::vector<std::vector<std::string_view>> keysAt = std::vector<std::vector<std::string_view>>(MAX_NESTING + 2);
  std::vector<Step> pathAt = std::vector<Step>(MAX_NESTING + 2);
  LongStrings longs;
  SharedNodes shared;
  /** the JSON with the repeats of shared as 0, when there are any */
  Out sharedOut;
  napi_ref parse = nullptr;
};

State* state(napi_env env) {
  void* data = nullptr;
  napi_get_instance_data(env, &data);
  return static_cast<State*>(data);
}

napi_value undefinedValue(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

/** words(list): the words read() notes when they stand as plain scalar values (at most 32). */
napi_value Words(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  uint32_t count = 0;
  if (argc < 1 || napi_get_array_length(env, argv[0], &count) != napi_ok || count > 32) {
    napi_throw_type_error(env, nullptr, "words: an array of at most 32 strings");
    return nullptr;
  }
  State* s = state(env);
  s->words.clear();
  for (uint32_t i = 0; i < count; i++) {
    napi_value w;
    napi_get_element(env, argv[0], i, &w);
    size_t len = 0;
    if (napi_get_value_string_utf8(env, w, nullptr, 0, &len) != napi_ok) {
      napi_throw_type_error(env, nullptr, "words: an array of at most 32 strings");
      return nullptr;
    }
    std::string word(len, '\0');
    napi_get_value_string_utf8(env, w, word.data(), len + 1, &len);
    s->words.push_back(std::move(word));
  }
  return undefinedValue(env);
}

/** Walks from JSON.parse's documents down steps, from where the last walk's path parts from this one's. */
class Walker {
 public:
  Walker(napi_env env, napi_value documents) : env_(env), documents_(documents) {}

  /** The value `count` steps down from document `doc` (false: a step failed). */
  bool to(uint32_t doc, const Step* steps, size_t count, napi_value* out) {
    size_t common = 0;
    if (doc == doc_) {
      while (common < count && common < path_.size() && same(*path_[common], steps[common])) common++;
    } else {
      napi_value d;
      if (napi_get_element(env_, documents_, doc, &d) != napi_ok) return false;
      doc_ = doc;
      path_.clear();
      holders_.assign(1, d);
    }
    path_.resize(common);
    holders_.resize(common + 1);
    for (size_t k = common; k < count; k++) {
      napi_value next;
      if (!step(holders_.back(), steps[k], nullptr, &next)) return false;
      path_.push_back(&steps[k]);
      holders_.push_back(next);
    }
    *out = holders_[count];
    return true;
  }

  /** From `holder`, step `s`: put `value` there (given), or read what is there into `out`. */
  bool step(napi_value holder, const Step& s, napi_value value, napi_value* out) {
    if (!s.key) return value ? napi_set_element(env_, holder, s.index, value) == napi_ok : napi_get_element(env_, holder, s.index, out) == napi_ok;
    napi_value name;
    if (napi_create_string_latin1(env_, s.key, s.length, &name) != napi_ok) return false;
    return value ? napi_set_property(env_, holder, name, value) == napi_ok : napi_get_property(env_, holder, name, out) == napi_ok;
  }

 private:
  static bool same(const Step& a, const Step& b) {
    if (!a.key || !b.key) return !a.key && !b.key && a.index == b.index;
    return a.length == b.length && memcmp(a.key, b.key, a.length) == 0;
  }
  napi_env env_;
  napi_value documents_;
  uint32_t doc_ = UINT32_MAX;
  std::vector<const Step*> path_;
  std::vector<napi_value> holders_;
};

/**
 * Every string of `longs` in the place of its "" in `documents` (JSON.parse's result): false when a step fails. One
 * walk for all (they stand in the order of the text: the walks share the most steps).
 */
bool putLongStrings(napi_env env, const LongStrings& longs, napi_value documents) {
  Walker walker(env, documents);
  for (const LongStrings::Entry& e : longs.entries) {
    napi_value value, holder;
    const char* bytes = longs.bytes.data() + e.at;
    if ((e.ascii ? napi_create_string_latin1(env, bytes, e.length, &value) : napi_create_string_utf8(env, bytes, e.length, &value)) != napi_ok) return false;
    const Step* steps = longs.steps.data() + e.stepsFrom;
    if (e.steps == 0 || !walker.to(e.doc, steps, e.steps - 1, &holder) || !walker.step(holder, steps[e.steps - 1], value, nullptr)) return false;
  }
  return true;
}

/** A hash of a node's JSON (SHARED_BYTES or more) from its length and 32 bytes at each end and in its middle. */
uint64_t endsHash(const char* d, size_t n) {
  uint64_t h = 1469598103934665603ull ^ n;
  auto mix = [&h](const char* p) {
    for (size_t i = 0; i < 32; i++) {
      h ^= static_cast<uint8_t>(p[i]);
      h *= 1099511628211ull;
    }
  };
  mix(d);
  mix(d + n / 2 - 16);
  mix(d + n - 32);
  return h;
}

/**
 * Which nodes of `sh` repeat one before them, outermost first (a node within a repeat is not looked at: it goes with
 * it), into sh.repeats; and when any does, the JSON of `o` with a 0 in place of each repeat, into `into`.
 */
bool shareRepeats(const Out& o, SharedNodes& sh, Out& into) {
  if (sh.nodes.size() < 2) return false;
  sh.order.resize(sh.nodes.size());
  for (uint32_t i = 0; i < sh.nodes.size(); i++) sh.order[i] = i;
  // the nodes were recorded as they ended (inner ones first): by where they start, each comes before those within it
  std::sort(sh.order.begin(), sh.order.end(), [&sh](uint32_t a, uint32_t b) { return sh.nodes[a].from < sh.nodes[b].from; });
  sh.distinct.clear();
  const char* d = o.data();
  size_t skipTo = 0;
  for (uint32_t i : sh.order) {
    const SharedNodes::Node& n = sh.nodes[i];
    if (n.from < skipTo) continue;
    const size_t length = n.to - n.from;
    const uint64_t h = endsHash(d + n.from, length);
    bool repeat = false;
    int tries = 0;
    auto range = sh.distinct.equal_range(h);
    for (auto it = range.first; it != range.second && tries < SHARED_TRIES; ++it, ++tries) {
      const SharedNodes::Node& first = sh.nodes[it->second];
      if (first.to - first.from == length && memcmp(d + first.from, d + n.from, length) == 0) {
        sh.repeats.emplace_back(i, it->second);
        skipTo = n.to;
        repeat = true;
        break;
      }
    }
    if (!repeat && tries < SHARED_TRIES) sh.distinct.emplace(h, i);
  }
  if (sh.repeats.empty()) return false;
  into.clear();
  size_t at = 0;
  for (const auto& r : sh.repeats) {
    const SharedNodes::Node& n = sh.nodes[r.first];
    into.put(d + at, n.from - at);
    into.put('0');
    at = n.to;
  }
  into.put(d + at, o.size() - at);
  return true;
}

/** Each repeat of `sh` in its place in `documents`: the object of the node it repeats (false: a step failed). */
bool putShared(napi_env env, const SharedNodes& sh, napi_value documents) {
  Walker walker(env, documents);
  // the nodes repeated, each walked to once (in the order of the text: the walks share the most steps)
  std::vector<uint32_t> firsts;
  for (const auto& r : sh.repeats) firsts.push_back(r.second);
  std::sort(firsts.begin(), firsts.end(), [&sh](uint32_t a, uint32_t b) { return sh.nodes[a].from < sh.nodes[b].from; });
  firsts.erase(std::unique(firsts.begin(), firsts.end()), firsts.end());
  std::unordered_map<uint32_t, napi_value> objects;
  for (uint32_t f : firsts) {
    const SharedNodes::Node& n = sh.nodes[f];
    napi_value v;
    if (!walker.to(n.doc, sh.steps.data() + n.stepsFrom, n.steps, &v)) return false;
    objects.emplace(f, v);
  }
  for (const auto& r : sh.repeats) {
    const SharedNodes::Node& n = sh.nodes[r.first];
    napi_value holder;
    const Step* steps = sh.steps.data() + n.stepsFrom;
    const auto object = objects.find(r.second);
    if (object == objects.end() || n.steps == 0 || !walker.to(n.doc, steps, n.steps - 1, &holder) || !walker.step(holder, steps[n.steps - 1], object->second, nullptr)) return false;
  }
  return true;
}

/**
 * read(bytes, maxDepth, leaveOutSchemaDocs): the documents of the UTF-8 text in `bytes` (JSON.parse's reading of this
 * reader's JSON), or undefined when the text is the JavaScript readers' (then noted() is 0); with leaveOutSchemaDocs
 * true, without the descriptions of CRD schemas no check reads (Reader::inSchemaNode).
 */
napi_value Read(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  int32_t maxDepth = 0;
  if (argc < 2 || napi_get_typedarray_info(env, argv[0], &type, &length, &data, nullptr, nullptr) != napi_ok || type != napi_uint8_array ||
      napi_get_value_int32(env, argv[1], &maxDepth) != napi_ok) {
    napi_throw_type_error(env, nullptr, "read(bytes: Uint8Array, maxDepth: number, leaveOutSchemaDocs?: boolean)");
    return nullptr;
  }
  bool leaveOutSchemaDocs = false;
  if (argc >= 3) napi_get_value_bool(env, argv[2], &leaveOutSchemaDocs);
  State* s = state(env);
  s->noted = 0;
  const uint8_t* t = static_cast<const uint8_t*>(data);
  s->out.clear();
  s->longs.clear();
  s->shared.clear();
  bool shared = false;
  if (length == 0) {
    s->out.put("[]", 2);
  } else {
    // a byte-order mark (the caller drops one) or anything readPieces refuses before reading
    if (length >= 3 && t[0] == 0xEF && t[1] == 0xBB && t[2] == 0xBF) return undefinedValue(env);
    if (refused(t, length)) return undefinedValue(env);
    try {
      Reader reader(t, length, maxDepth, s->words, s->out, s->keysAt, s->pathAt, s->longs, leaveOutSchemaDocs, s->shared);
      reader.documents();
      s->noted = reader.noted;
      // not where a watched word stands plain: files-check.ts then writes kubectl's boolean in its place, in one place
      shared = leaveOutSchemaDocs && s->noted == 0 && shareRepeats(s->out, s->shared, s->sharedOut);
    } catch (const NotPlain&) {
      return undefinedValue(env);
    } catch (const std::bad_alloc&) {
      napi_throw_error(env, nullptr, "read: out of memory");
      return nullptr;
    } catch (const std::exception& e) {
      // (a string past its maximum size, say): an error in JavaScript, never a process abort
      napi_throw_error(env, nullptr, e.what());
      return nullptr;
    }
  }
  // the buffer stays this thread's: no finalizer frees it, and JSON.parse copies what it keeps (see the top)
  napi_value json, parse, result, global;
  bool copied = false;
  const Out& text = shared ? s->sharedOut : s->out;
  if (node_api_create_external_string_latin1(env, text.data(), text.size(), nullptr, nullptr, &json, &copied) != napi_ok ||
      napi_get_reference_value(env, s->parse, &parse) != napi_ok || napi_get_global(env, &global) != napi_ok) {
    napi_throw_error(env, nullptr, "read: the JSON text could not be handed to JSON.parse");
    return nullptr;
  }
  if (napi_call_function(env, global, parse, 1, &json, &result) != napi_ok) return nullptr;
  // (the walks' paths are kept in vectors: out of memory there is an error in JavaScript, never a process abort)
  const char* failed = nullptr;
  try {
    if (!putLongStrings(env, s->longs, result)) failed = "read: a long string could not be put in its place";
    else if (shared && !putShared(env, s->shared, result)) failed = "read: a repeated schema node could not be put in its place";
  } catch (const std::exception&) {
    failed = "read: out of memory putting values in their places";
  }
  if (failed) {
    napi_throw_error(env, nullptr, failed);
    return nullptr;
  }
  return result;
}

/** noted(): the bits of the words the last read() found as plain scalar values. */
napi_value Noted(napi_env env, napi_callback_info) {
  napi_value v;
  napi_create_uint32(env, state(env)->noted, &v);
  return v;
}

void deleteState(napi_env env, void* data, void*) {
  State* s = static_cast<State*>(data);
  if (s->parse) napi_delete_reference(env, s->parse);
  delete s;
}

}  // namespace

NAPI_MODULE_INIT() {
  State* s = new State();
  // JSON.parse as this environment has it at load, before any script could replace it
  napi_value global, json, parse;
  napi_get_global(env, &global);
  napi_get_named_property(env, global, "JSON", &json);
  napi_get_named_property(env, json, "parse", &parse);
  napi_create_reference(env, parse, 1, &s->parse);
  napi_set_instance_data(env, s, deleteState, nullptr);
  const napi_property_descriptor props[] = {
      {"words", nullptr, Words, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"read", nullptr, Read, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"noted", nullptr, Noted, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 3, props);
  return exports;
}
