{
  "targets": [
    {
      "target_name": "files_scan",
      "sources": ["src/files_scan.cc"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-fexceptions", "-std=c++17", "-O2"]
    }
  ]
}
