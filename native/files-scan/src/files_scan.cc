// Files mode's first pass over its input, in C++ so that it costs the main thread nothing: every file's size, then
// (on a thread of libuv's pool, while the main thread loads its checker) which files hold a CustomResourceDefinition,
// each distinct content once. scripts/lib/validate/files.ts crdFilesOf is the same pass in JavaScript, used where
// this addon is not built; test/scripts/validate/files-scan.test.ts holds the two to the same answers.
#include <node_api.h>

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

/** A JavaScript string as UTF-8; false for anything else. */
bool stringOf(napi_env env, napi_value v, std::string& out) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) return false;
  out.assign(len, '\0');
  return napi_get_value_string_utf8(env, v, out.data(), len + 1, &len) == napi_ok;
}

bool stringsOf(napi_env env, napi_value array, std::vector<std::string>& out) {
  bool isArray = false;
  uint32_t n = 0;
  if (napi_is_array(env, array, &isArray) != napi_ok || !isArray || napi_get_array_length(env, array, &n) != napi_ok) return false;
  out.resize(n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    if (napi_get_element(env, array, i, &v) != napi_ok || !stringOf(env, v, out[i])) return false;
  }
  return true;
}

/** sizes(paths): Float64Array of each file's size, -1 where stat fails or the path is no regular file. */
napi_value Sizes(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  std::vector<std::string> paths;
  if (argc < 1 || !stringsOf(env, argv[0], paths)) {
    napi_throw_type_error(env, nullptr, "sizes(paths: string[])");
    return nullptr;
  }
  napi_value buffer, result;
  void* data = nullptr;
  if (napi_create_arraybuffer(env, paths.size() * sizeof(double), &data, &buffer) != napi_ok ||
      napi_create_typedarray(env, napi_float64_array, paths.size(), buffer, 0, &result) != napi_ok)
    return nullptr;
  double* out = static_cast<double*>(data);
  for (size_t i = 0; i < paths.size(); i++) {
    struct stat st;
    out[i] = stat(paths[i].c_str(), &st) == 0 && S_ISREG(st.st_mode) ? static_cast<double>(st.st_size) : -1;
  }
  return result;
}

/** Does `name` end with one of `suffixes` (lower-case), letters compared without case? */
bool endsWithAny(std::string_view name, const std::vector<std::string>& suffixes) {
  for (const std::string& s : suffixes) {
    if (name.size() < s.size()) continue;
    bool same = true;
    for (size_t i = 0, at = name.size() - s.size(); same && i < s.size(); i++) {
      char c = name[at + i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      same = c == s[i];
    }
    if (same) return true;
  }
  return false;
}

/**
 * filesUnder(root, skip) of scripts/lib/plumbing/files.ts, the files kept to those whose names end with one of
 * `suffixes`, with their sizes: descends into real directories only (a link to a directory is not followed, so a link
 * loop cannot hang it) but those named in `skip`; a link to a file is listed, with its target's size; a directory that
 * cannot be read lists nothing. Every entry seen counts against `maxEntries`, as filesUnder's MAX_WALK_ENTRIES.
 */
struct Listing {
  std::vector<std::string> files;
  std::vector<double> sizes;
  bool tooLarge = false;
  /** the walk stopped once the files listed held `stopAtBytes` (of files of at most `countBytesUpTo` each) */
  bool stopped = false;
};

void listUnder(const std::string& root, const std::set<std::string, std::less<>>& skip, const std::vector<std::string>& suffixes, double maxEntries, double stopAtBytes, double countBytesUpTo, Listing& out) {
  // the directories still to read, relative to root ("" is root itself), read one at a time: no descriptor is held
  // open while another is read, however deep the tree
  std::vector<std::string> pending{""};
  double seen = 0, bytes = 0;
  while (!pending.empty()) {
    std::string rel = std::move(pending.back());
    pending.pop_back();
    const std::string path = rel.empty() ? root : root + "/" + rel;
    // root may be a link (validate was given one); below it, O_NOFOLLOW: a directory swapped for a link is not entered
    int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | (rel.empty() ? 0 : O_NOFOLLOW));
    if (fd < 0) continue;
    DIR* dir = fdopendir(fd);
    if (!dir) {
      close(fd);
      continue;
    }
    for (struct dirent* e = readdir(dir); e; e = readdir(dir)) {
      std::string_view name(e->d_name);
      if (name == "." || name == "..") continue;
      if (++seen > maxEntries) {
        out.tooLarge = true;
        closedir(dir);
        return;
      }
      unsigned char type = e->d_type;
      struct stat st;
      if (type == DT_UNKNOWN) {
        // as Node's readdir does for a file system that gives no type: lstat
        if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
      }
      std::string child = rel.empty() ? std::string(name) : rel + "/" + std::string(name);
      if (type == DT_DIR) {
        if (skip.find(name) == skip.end()) pending.push_back(std::move(child));
      } else if ((type == DT_REG || type == DT_LNK) && endsWithAny(name, suffixes)) {
        // a link: listed when it leads to a regular file (stat follows it); a file: its size (-1 if it went meanwhile)
        bool ok = fstatat(fd, e->d_name, &st, 0) == 0;
        if (type == DT_LNK && !(ok && S_ISREG(st.st_mode))) continue;
        double size = ok && S_ISREG(st.st_mode) ? static_cast<double>(st.st_size) : -1;
        out.files.push_back(std::move(child));
        out.sizes.push_back(size);
        if (size >= 0 && size <= countBytesUpTo && (bytes += size) >= stopAtBytes) {
          out.stopped = true;
          closedir(dir);
          return;
        }
      }
    }
    closedir(dir);
  }
}

/**
 * list(root, skip, suffixes, maxEntries, stopAtBytes?, countBytesUpTo?): { files, sizes } unsorted, with `stopped`
 * when cut short at stopAtBytes, or { tooLarge: true } (index.d.cts).
 */
napi_value List(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  std::string root;
  std::vector<std::string> skipNames, suffixes;
  double maxEntries = 0, stopAtBytes = INFINITY, countBytesUpTo = INFINITY;
  if (argc < 4 || !stringOf(env, argv[0], root) || !stringsOf(env, argv[1], skipNames) || !stringsOf(env, argv[2], suffixes) ||
      napi_get_value_double(env, argv[3], &maxEntries) != napi_ok || (argc > 4 && napi_get_value_double(env, argv[4], &stopAtBytes) != napi_ok) ||
      (argc > 5 && napi_get_value_double(env, argv[5], &countBytesUpTo) != napi_ok)) {
    napi_throw_type_error(env, nullptr, "list(root: string, skip: string[], suffixes: string[], maxEntries: number, stopAtBytes?: number, countBytesUpTo?: number)");
    return nullptr;
  }
  for (std::string& s : suffixes)
    for (char& c : s)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  Listing listing;
  listUnder(root, std::set<std::string, std::less<>>(skipNames.begin(), skipNames.end()), suffixes, maxEntries, stopAtBytes, countBytesUpTo, listing);
  napi_value result, value;
  napi_create_object(env, &result);
  if (listing.tooLarge) {
    napi_get_boolean(env, true, &value);
    napi_set_named_property(env, result, "tooLarge", value);
    return result;
  }
  napi_value files, buffer, sizes;
  void* data = nullptr;
  if (napi_create_array_with_length(env, listing.files.size(), &files) != napi_ok ||
      napi_create_arraybuffer(env, listing.sizes.size() * sizeof(double), &data, &buffer) != napi_ok ||
      napi_create_typedarray(env, napi_float64_array, listing.sizes.size(), buffer, 0, &sizes) != napi_ok)
    return nullptr;
  for (size_t i = 0; i < listing.files.size(); i++) {
    if (napi_create_string_utf8(env, listing.files[i].data(), listing.files[i].size(), &value) != napi_ok || napi_set_element(env, files, static_cast<uint32_t>(i), value) != napi_ok) return nullptr;
  }
  if (!listing.sizes.empty()) memcpy(data, listing.sizes.data(), listing.sizes.size() * sizeof(double));
  napi_set_named_property(env, result, "files", files);
  napi_set_named_property(env, result, "sizes", sizes);
  if (listing.stopped) {
    napi_get_boolean(env, true, &value);
    napi_set_named_property(env, result, "stopped", value);
  }
  return result;
}

/**
 * A file's bytes, in memory kept from one file to the next. Unlike std::string's resize, growing it writes nothing: a
 * resize zero-filled every byte past the last file's length before the read overwrote it (most of the input again).
 */
struct Bytes {
  std::unique_ptr<char[]> data;
  size_t capacity = 0;
  size_t size = 0;
  std::string_view view() const { return {data.get(), size}; }
};

/** The first `want` bytes of a file (fewer if it is shorter now) into `into`; false when it cannot be opened or read. */
bool readFile(const std::string& path, size_t want, Bytes& into) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  if (!into.data || into.capacity < want) {
    into.capacity = std::max({want, 2 * into.capacity, size_t{64 * 1024}});
    into.data.reset(new char[into.capacity]);
  }
  size_t n = 0;
  while (n < want) {
    ssize_t r = read(fd, into.data.get() + n, want - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      close(fd);
      return false;
    }
    if (r == 0) break;
    n += static_cast<size_t>(r);
  }
  close(fd);
  into.size = n;
  return true;
}

/** A distinct content that holds the needle: its bytes while the budget lasts (else read again to compare). */
struct Content {
  size_t file;     // the first file read with this content (read again when `kept` is false)
  size_t last;     // the last file with this content so far
  uint64_t seen;   // when its last file was found: the order of the answer
  bool kept;
  std::string bytes;
};

struct Scan {
  std::vector<std::string> paths;
  std::vector<double> sizes;
  std::string needle;
  double keepBytes = 0;
  bool failed = false;
  std::vector<int32_t> found;
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;
};

void Execute(napi_env, void* data) {
  Scan* s = static_cast<Scan*>(data);
  std::map<size_t, std::vector<Content>> byLength;
  Bytes bytes, again;
  double kept = 0;
  uint64_t clock = 0;
  for (size_t i = 0; i < s->paths.size(); i++) {
    if (s->sizes[i] < 0) continue;
    if (!readFile(s->paths[i], static_cast<size_t>(s->sizes[i]), bytes)) {
      s->failed = true;
      return;
    }
    if (s->needle.empty() || memmem(bytes.data.get(), bytes.size, s->needle.data(), s->needle.size()) == nullptr) continue;
    std::vector<Content>& same = byLength[bytes.size];
    Content* match = nullptr;
    for (Content& c : same) {
      if (c.kept ? c.bytes == bytes.view() : (readFile(s->paths[c.file], bytes.size, again) && again.view() == bytes.view())) {
        match = &c;
        break;
      }
    }
    if (!match) {
      same.push_back(Content{i, i, 0, kept + bytes.size <= s->keepBytes, {}});
      match = &same.back();
      if (match->kept) {
        match->bytes = bytes.view();
        kept += bytes.size;
      }
    }
    match->last = i;
    match->seen = ++clock;
  }
  std::vector<std::pair<uint64_t, size_t>> order;
  for (auto& [length, same] : byLength)
    for (Content& c : same) order.emplace_back(c.seen, c.last);
  std::sort(order.begin(), order.end());
  for (auto& [seen, last] : order) s->found.push_back(static_cast<int32_t>(last));
}

void Complete(napi_env env, napi_status status, void* data) {
  Scan* s = static_cast<Scan*>(data);
  napi_value result;
  if (status != napi_ok || s->failed) {
    napi_get_null(env, &result);
  } else {
    void* out = nullptr;
    napi_value buffer;
    napi_create_arraybuffer(env, s->found.size() * sizeof(int32_t), &out, &buffer);
    if (!s->found.empty()) memcpy(out, s->found.data(), s->found.size() * sizeof(int32_t));
    napi_create_typedarray(env, napi_int32_array, s->found.size(), buffer, 0, &result);
  }
  napi_resolve_deferred(env, s->deferred, result);
  napi_delete_async_work(env, s->work);
  delete s;
}

/** lastCopiesHolding(paths, sizes, needle, keepBytes): Promise<Int32Array | null> (index.d.cts). */
napi_value LastCopiesHolding(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Scan* s = new Scan();
  napi_typedarray_type type;
  size_t length = 0, needleLength = 0;
  void* sizes = nullptr;
  if (argc < 4 || !stringsOf(env, argv[0], s->paths) || napi_get_typedarray_info(env, argv[1], &type, &length, &sizes, nullptr, nullptr) != napi_ok ||
      type != napi_float64_array || length != s->paths.size() || napi_get_value_string_utf8(env, argv[2], nullptr, 0, &needleLength) != napi_ok ||
      napi_get_value_double(env, argv[3], &s->keepBytes) != napi_ok) {
    delete s;
    napi_throw_type_error(env, nullptr, "lastCopiesHolding(paths: string[], sizes: Float64Array, needle: string, keepBytes: number)");
    return nullptr;
  }
  s->sizes.assign(static_cast<double*>(sizes), static_cast<double*>(sizes) + length);
  s->needle.resize(needleLength);
  napi_get_value_string_utf8(env, argv[2], s->needle.data(), needleLength + 1, &needleLength);
  napi_value promise, name;
  napi_create_promise(env, &s->deferred, &promise);
  napi_create_string_utf8(env, "marquee files scan", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, nullptr, name, Execute, Complete, s, &s->work);
  napi_queue_async_work(env, s->work);
  return promise;
}

}  // namespace

NAPI_MODULE_INIT() {
  const napi_property_descriptor props[] = {
      {"sizes", nullptr, Sizes, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"lastCopiesHolding", nullptr, LastCopiesHolding, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"list", nullptr, List, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 3, props);
  return exports;
}
